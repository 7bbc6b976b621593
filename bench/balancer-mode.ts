/**
 * `npm run bench -- balancer`: three Tollgate instances behind HAProxy (deploy/haproxy.cfg, Debian's
 * haproxy) against one of them alone, same upstream and database, rounds interleaved, c=32, JSON and SSE.
 * On a machine with fewer cores than instances the ratio measures contention as much as scale-out: it is
 * printed with the CPU count.
 */
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { cpus } from "node:os";
import { startChild, type BenchChild } from "./child-ipc.ts";
import { createBenchDatabase } from "./database.ts";
import { throughput, type ThroughputResult } from "./load.ts";
import { printTable, ratio } from "./table.ts";
import { JSON_WORKLOAD, SSE_WORKLOAD } from "./workloads.ts";

export interface BalancerOptions {
  seconds: number;
  rounds: number;
}

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`haproxy did not listen on ${port}`);
}

export async function runBalancerBench(o: BalancerOptions): Promise<void> {
  const db = await createBenchDatabase();
  const children: BenchChild[] = [];
  let haproxy: ReturnType<typeof spawn> | undefined;
  try {
    const upstream = await startChild("./child-upstream.ts", {});
    children.push(upstream);
    const instances: BenchChild[] = [];
    // one after another: start-up seeds prices
    for (let i = 0; i < 3; i++)
      instances.push(await startChild("./child-tollgate.mjs", { BENCH_UPSTREAM: upstream.url, DATABASE_URL: db.url }));
    children.push(...instances);
    const port = await freePort();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HAPROXY_BIND: `127.0.0.1:${port}`,
      HAPROXY_STATS_BIND: `127.0.0.1:${await freePort()}`,
      HAPROXY_CHECK_MS: "1000",
    };
    instances.forEach((t, i) => (env[`TOLLGATE_${i + 1}`] = new URL(t.url).host));
    haproxy = spawn("haproxy", ["-db", "-f", new URL("../deploy/haproxy.cfg", import.meta.url).pathname], { env, stdio: "ignore" });
    await waitForPort(port);
    const balancer = `http://127.0.0.1:${port}`;
    const single = instances[0] as BenchChild;
    process.stdout.write(
      `balancer bench: one instance vs three behind HAProxy, c=32, ${o.seconds}s × ${o.rounds} rounds, ${cpus().length} CPUs, recording into ${db.where}\n`,
    );

    const rows: (string | number)[][] = [];
    for (const w of [JSON_WORKLOAD, SSE_WORKLOAD]) {
      const one: ThroughputResult[] = [];
      const three: ThroughputResult[] = [];
      await throughput(balancer + "/openai", w, 32, 2); // warm-up: connections, JIT, tokenizer-free paths
      for (let r = 0; r < o.rounds; r++) {
        one.push(await throughput(single.url + "/openai", w, 32, o.seconds));
        three.push(await throughput(balancer + "/openai", w, 32, o.seconds));
      }
      const median = (xs: ThroughputResult[]) =>
        [...xs].sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor(xs.length / 2)] as ThroughputResult;
      const [a, b] = [median(one), median(three)];
      rows.push([
        w.name,
        a.reqPerSec,
        b.reqPerSec,
        ratio(b.reqPerSec, a.reqPerSec),
        a.p99Ms,
        b.p99Ms,
        one.reduce((s, x) => s + x.failures, 0) + three.reduce((s, x) => s + x.failures, 0),
      ]);
    }
    printTable(
      "balancer — three instances behind HAProxy / one instance (median of rounds, c=32)",
      ["workload", "one req/s", "three via HAProxy req/s", "ratio", "one p99 ms", "three p99 ms", "failed"],
      rows,
    );
  } finally {
    haproxy?.kill("SIGTERM");
    for (const c of children.reverse()) await c.stop();
    await db.close();
  }
}

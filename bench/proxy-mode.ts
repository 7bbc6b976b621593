/**
 * `npm run bench -- proxy`: the fake upstream hit directly, through a bare Node pass-through proxy, and
 * through Tollgate (recording ON into Postgres), for JSON and SSE, at c=1 and c=32. Each proxy runs in a
 * child process of its own, so its CPU time per request is read from its own process.cpuUsage().
 */
import { mkdirSync } from "node:fs";
import pg from "pg";
import { startChild, type BenchChild } from "./child-ipc.ts";
import { createBenchDatabase } from "./database.ts";
import { probe, throughput, type ProbeResult, type ThroughputResult, type Workload } from "./load.ts";
import { printTable, ratio } from "./table.ts";
import { JSON_WORKLOAD, SSE_WORKLOAD } from "./workloads.ts";

export interface ProxyOptions {
  seconds: number;
  c1Seconds: number;
  warmupSeconds: number;
  probeCount: number;
  workloads: ("json" | "sse")[];
  /** write a V8 CPU profile of the Tollgate process into this folder */
  profileDir?: string;
  /** extra environment for the Tollgate process (e.g. TOLLGATE_WORKERS) */
  tollgateEnv: Record<string, string>;
}

interface Target {
  name: "direct" | "bare" | "tollgate";
  base: string;
  /** the process whose CPU is the proxy's (none for direct) */
  child: BenchChild | null;
}

interface Measured {
  c1: ThroughputResult;
  c32: ThroughputResult;
  latency: ProbeResult;
  /** for streams: the probe with a gap after the first event, so first byte ≠ whole response */
  ttfb: ProbeResult;
  cpuPerReqC1: number | null;
  cpuPerReqC32: number | null;
}

async function cpuDuring<T>(child: BenchChild | null, run: () => Promise<T>): Promise<[T, number | null]> {
  const before = child ? (await child.stats()).cpuMicros : 0;
  const result = await run();
  const after = child ? (await child.stats()).cpuMicros : 0;
  return [result, child ? after - before : null];
}

async function measure(target: Target, w: Workload, o: ProxyOptions): Promise<Measured> {
  const base = target.base;
  await throughput(base, w, 32, o.warmupSeconds);
  const [c1, cpu1] = await cpuDuring(target.child, () => throughput(base, w, 1, o.c1Seconds));
  const latency = await probe(base, w, o.probeCount);
  const ttfb = w === SSE_WORKLOAD ? await probe(base, w, Math.ceil(o.probeCount / 4), { "x-bench-gap-ms": "2" }) : latency;
  const [c32, cpu32] = await cpuDuring(target.child, () => throughput(base, w, 32, o.seconds));
  return {
    c1,
    c32,
    latency,
    ttfb,
    cpuPerReqC1: cpu1 === null ? null : cpu1 / Math.max(1, c1.requests),
    cpuPerReqC32: cpu32 === null ? null : cpu32 / Math.max(1, c32.requests),
  };
}

export async function runProxyBench(o: ProxyOptions): Promise<void> {
  const db = await createBenchDatabase();
  const children: BenchChild[] = [];
  try {
    const upstream = await startChild("./child-upstream.ts", {});
    children.push(upstream);
    const bare = await startChild("./child-bare.ts", { BENCH_UPSTREAM: upstream.url });
    children.push(bare);
    const execArgv: string[] = [];
    if (o.profileDir) {
      mkdirSync(o.profileDir, { recursive: true });
      execArgv.push("--cpu-prof", `--cpu-prof-dir=${o.profileDir}`);
    }
    const tollgate = await startChild("./child-tollgate.ts", { BENCH_UPSTREAM: upstream.url, DATABASE_URL: db.url, ...o.tollgateEnv }, execArgv);
    children.push(tollgate);
    const targets: Target[] = [
      { name: "direct", base: upstream.url, child: null },
      { name: "bare", base: bare.url, child: bare },
      { name: "tollgate", base: tollgate.url + "/openai", child: tollgate },
    ];
    process.stdout.write(
      `proxy bench: ${o.c1Seconds}s at c=1, ${o.seconds}s at c=32 (after ${o.warmupSeconds}s warm-up), ${o.probeCount} probe requests; ` +
        `Tollgate records into ${db.where}\n`,
    );

    const workloads = o.workloads.map((k) => (k === "json" ? JSON_WORKLOAD : SSE_WORKLOAD));
    const summary: (string | number | null)[][] = [];
    for (const w of workloads) {
      const results = new Map<Target["name"], Measured>();
      for (const t of targets) {
        process.stdout.write(`  ${w.name} → ${t.name}…\n`);
        results.set(t.name, await measure(t, w, o));
      }
      printTable(
        `proxy — ${w.name}`,
        ["target", "c=1 req/s", "c=1 p50 ms", "c=1 p99 ms", "first byte p50 ms", "c=32 req/s", "c=32 p50 ms", "c=32 p99 ms", "CPU µs/req c=1", "CPU µs/req c=32", "failed"],
        targets.map((t) => {
          const m = results.get(t.name) as Measured;
          return [t.name, m.c1.reqPerSec, m.latency.p50Ms, m.latency.p99Ms, m.ttfb.ttfbP50Ms, m.c32.reqPerSec, m.c32.p50Ms, m.c32.p99Ms, m.cpuPerReqC1, m.cpuPerReqC32, m.c1.failures + m.c32.failures];
        }),
      );
      const b = results.get("bare") as Measured;
      const g = results.get("tollgate") as Measured;
      summary.push([
        w.name,
        ratio(g.c32.reqPerSec, b.c32.reqPerSec),
        ratio(g.c1.reqPerSec, b.c1.reqPerSec),
        g.latency.p50Ms - b.latency.p50Ms,
        g.ttfb.ttfbP50Ms - b.ttfb.ttfbP50Ms,
        ratio(g.cpuPerReqC32 ?? NaN, b.cpuPerReqC32 ?? NaN),
      ]);
    }
    const rss = (await tollgate.stats()).rssBytes / 1e6;
    printTable(
      "proxy — Tollgate / bare (targets: throughput ≥ 0.60×, added p50 and first byte ≤ 0.3 ms, CPU ≤ 2.5×)",
      ["workload", "c=32 throughput", "c=1 throughput", "added p50 ms (c=1)", "added first byte ms (c=1)", "CPU/req (c=32)"],
      summary,
    );
    for (const child of children.splice(0).reverse()) await child.stop();
    const recorded = await countCalls(db.url);
    process.stdout.write(`\nTollgate RSS at the end: ${rss.toFixed(0)} MB; calls recorded in Postgres: ${recorded.toLocaleString("en-US")}\n`);
    if (o.profileDir) process.stdout.write(`CPU profile of the Tollgate process written to ${o.profileDir} (open in Chrome DevTools or speedscope)\n`);
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => {});
    await db.close();
  }
}

async function countCalls(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>("SELECT count(*)::text AS n FROM calls");
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

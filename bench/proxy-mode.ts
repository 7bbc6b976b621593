/**
 * `npm run bench -- proxy`: the fake upstream hit directly, through a bare Node pass-through proxy, and
 * through Tollgate (recording ON into Postgres), for JSON and SSE, at c=1 and c=32. Each proxy runs in a
 * child process of its own, so its CPU time per request is read from its own process.cpuUsage().
 */
import { existsSync, mkdirSync } from "node:fs";
import pg from "pg";
import { startChild, type BenchChild } from "./child-ipc.ts";
import { createBenchDatabase } from "./database.ts";
import { cpuBetween, postgresCpu, type PostgresCpu } from "./postgres-cpu.ts";
import { percentile, probe, throughput, type Workload } from "./load.ts";
import { printTable, ratio } from "./table.ts";
import { JSON_WORKLOAD, SSE_WORKLOAD } from "./workloads.ts";

export interface ProxyOptions {
  seconds: number;
  c1Seconds: number;
  warmupSeconds: number;
  probeCount: number;
  /** each measurement is split into this many rounds, interleaved across the targets */
  rounds: number;
  workloads: ("json" | "sse")[];
  /** write a V8 CPU profile of the Tollgate process into this folder */
  profileDir?: string;
  /** extra environment for the Tollgate process (e.g. TOLLGATE_TOKENIZER_PRELOAD=false) */
  tollgateEnv: Record<string, string>;
  /** another checkout of Tollgate (its root folder) measured in the same rounds as "baseline", e.g. before a change */
  baselineDir?: string;
}

interface Target {
  name: "direct" | "bare" | "tollgate" | "baseline";
  base: string;
  /** the process whose CPU is the proxy's (none for direct) */
  child: BenchChild | null;
  /** the Postgres backends of the database this target records into */
  postgres: PostgresCpu | null;
}

interface Measured {
  c1Requests: number;
  c32Requests: number;
  /** autocannon's c=32 latency percentiles, one per round (reported as their median) */
  c32P50Ms: number[];
  c32P99Ms: number[];
  latencyMs: number[];
  /** for streams: probed with a gap after the first event, so first byte ≠ whole response */
  firstByteMs: number[];
  cpuC1: number | null;
  cpuC32: number | null;
  /** Postgres CPU spent recording during the c=32 runs (Tollgate only) */
  postgresC32: number | null;
  failures: number;
  c32PerRound: number[];
}

function emptyMeasured(): Measured {
  return {
    c1Requests: 0,
    c32Requests: 0,
    c32P50Ms: [],
    c32P99Ms: [],
    latencyMs: [],
    firstByteMs: [],
    cpuC1: null,
    cpuC32: null,
    postgresC32: null,
    failures: 0,
    c32PerRound: [],
  };
}

async function cpuDuring<T>(child: BenchChild | null, run: () => Promise<T>): Promise<[T, number | null]> {
  const before = child ? (await child.stats()).cpuMicros : 0;
  const result = await run();
  const after = child ? (await child.stats()).cpuMicros : 0;
  return [result, child ? after - before : null];
}

const addCpu = (a: number | null, b: number | null): number | null => (b === null ? a : (a ?? 0) + b);
const median = (xs: number[]): number => percentile(xs, 50);

/**
 * One round on one target: a slice of every measurement. Rounds go target after target (direct, bare,
 * Tollgate, direct, …), so a neighbour's load on a shared machine hits all three alike rather than
 * whichever target happened to run during it.
 */
async function measureRound(target: Target, w: Workload, o: ProxyOptions, m: Measured): Promise<void> {
  const base = target.base;
  const [c1, cpu1] = await cpuDuring(target.child, () => throughput(base, w, 1, o.c1Seconds / o.rounds));
  const latency = await probe(base, w, Math.ceil(o.probeCount / o.rounds));
  const firstByte = w === SSE_WORKLOAD ? await probe(base, w, Math.ceil(o.probeCount / o.rounds / 4), { "x-bench-gap-ms": "2" }) : latency;
  const postgres = target.postgres;
  const pgBefore = postgres ? await postgres.sample() : null;
  const [c32, cpu32] = await cpuDuring(target.child, () => throughput(base, w, 32, o.seconds / o.rounds));
  // the recorder flushes within its interval: let it finish before reading Postgres' share
  if (pgBefore) await new Promise((r) => setTimeout(r, 500));
  m.postgresC32 = addCpu(m.postgresC32, cpuBetween(pgBefore, postgres && pgBefore ? await postgres.sample() : null));
  m.c1Requests += c1.requests;
  m.c32Requests += c32.requests;
  m.c32PerRound.push(c32.reqPerSec);
  m.latencyMs.push(...latency.totalMs);
  m.firstByteMs.push(...firstByte.firstByteMs);
  m.cpuC1 = addCpu(m.cpuC1, cpu1);
  m.cpuC32 = addCpu(m.cpuC32, cpu32);
  m.failures += c1.failures + c32.failures;
  m.c32P50Ms.push(c32.p50Ms);
  m.c32P99Ms.push(c32.p99Ms);
}

export async function runProxyBench(o: ProxyOptions): Promise<void> {
  const db = await createBenchDatabase();
  const children: BenchChild[] = [];
  const postgres = await postgresCpu(db.url);
  const baselineDb = o.baselineDir ? await createBenchDatabase() : null;
  const baselinePostgres = baselineDb ? await postgresCpu(baselineDb.url) : null;
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
    const tollgate = await startChild(
      "./child-tollgate.mjs",
      { BENCH_UPSTREAM: upstream.url, DATABASE_URL: db.url, ...o.tollgateEnv },
      execArgv,
    );
    children.push(tollgate);
    const targets: Target[] = [
      { name: "direct", base: upstream.url, child: null, postgres: null },
      { name: "bare", base: bare.url, child: bare, postgres: null },
      { name: "tollgate", base: tollgate.url + "/openai", child: tollgate, postgres },
    ];
    if (o.baselineDir && baselineDb) {
      // An older checkout may only have the TypeScript child (it then runs its sources through tsx).
      const dir = o.baselineDir.replace(/\/+$/, "");
      const entry = existsSync(`${dir}/bench/child-tollgate.mjs`) ? `${dir}/bench/child-tollgate.mjs` : `${dir}/bench/child-tollgate.ts`;
      const baseline = await startChild(entry, { BENCH_UPSTREAM: upstream.url, DATABASE_URL: baselineDb.url, ...o.tollgateEnv });
      children.push(baseline);
      targets.push({ name: "baseline", base: baseline.url + "/openai", child: baseline, postgres: baselinePostgres });
      process.stdout.write(`baseline: Tollgate from ${o.baselineDir}\n`);
    }
    process.stdout.write(
      `proxy bench: per workload and target ${o.c1Seconds}s at c=1, ${o.seconds}s at c=32 and ${o.probeCount} sequential probes, ` +
        `in ${o.rounds} interleaved rounds after ${o.warmupSeconds}s warm-up; Tollgate records into ${db.where}\n`,
    );

    const workloads = o.workloads.map((k) => (k === "json" ? JSON_WORKLOAD : SSE_WORKLOAD));
    const summary: (string | number | null)[][] = [];
    for (const w of workloads) {
      const results = new Map<Target["name"], Measured>(targets.map((t) => [t.name, emptyMeasured()]));
      for (const t of targets) await throughput(t.base, w, 32, o.warmupSeconds);
      for (let round = 1; round <= o.rounds; round++) {
        process.stdout.write(`  ${w.name}: round ${round}/${o.rounds}\n`);
        for (const t of targets) await measureRound(t, w, o, results.get(t.name) as Measured);
      }
      const row = (t: Target): (string | number | null)[] => {
        const m = results.get(t.name) as Measured;
        return [
          t.name,
          m.c1Requests / o.c1Seconds,
          percentile(m.latencyMs, 50),
          percentile(m.latencyMs, 99),
          percentile(m.firstByteMs, 50),
          m.c32Requests / o.seconds,
          median(m.c32P50Ms),
          median(m.c32P99Ms),
          m.cpuC1 === null ? null : m.cpuC1 / Math.max(1, m.c1Requests),
          m.cpuC32 === null ? null : m.cpuC32 / Math.max(1, m.c32Requests),
          m.postgresC32 === null ? null : m.postgresC32 / Math.max(1, m.c32Requests),
          m.failures,
        ];
      };
      printTable(
        `proxy — ${w.name}`,
        [
          "target",
          "c=1 req/s",
          "c=1 p50 ms",
          "c=1 p99 ms",
          "first byte p50 ms",
          "c=32 req/s",
          "c=32 p50 ms",
          "c=32 p99 ms",
          "CPU µs/req c=1",
          "CPU µs/req c=32",
          "Postgres CPU µs/req c=32",
          "failed",
        ],
        targets.map(row),
      );
      const b = row(targets[1] as Target) as number[];
      for (const t of targets.slice(2)) {
        const g = row(t) as number[];
        summary.push([
          t.name === "baseline" ? `${w.name} (baseline)` : w.name,
          ratio(g[5], b[5]),
          ratio(g[1], b[1]),
          (g[2] as number) - (b[2] as number),
          (g[4] as number) - (b[4] as number),
          ratio(g[9], b[9]),
          g[10] === null ? "–" : ratio((g[9] as number) + (g[10] as number), b[9]),
        ]);
      }
    }
    const rss = (await tollgate.stats()).rssBytes / 1e6;
    printTable(
      "proxy — Tollgate / bare (targets: throughput ≥ 0.60×, added p50 and first byte ≤ 0.3 ms, CPU ≤ 2.5×)",
      [
        "workload",
        "c=32 throughput",
        "c=1 throughput",
        "added p50 ms (c=1)",
        "added first byte ms (c=1)",
        "CPU/req (c=32)",
        "CPU/req incl. Postgres",
      ],
      summary,
    );
    for (const child of children.splice(0).reverse()) await child.stop();
    const recorded = await countCalls(db.url);
    process.stdout.write(
      `\nTollgate RSS at the end: ${rss.toFixed(0)} MB; calls recorded in Postgres: ${recorded.toLocaleString("en-US")}\n`,
    );
    if (o.profileDir)
      process.stdout.write(`CPU profile of the Tollgate process written to ${o.profileDir} (open in Chrome DevTools or speedscope)\n`);
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => {});
    await postgres.close();
    await baselinePostgres?.close();
    await db.close();
    await baselineDb?.close();
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

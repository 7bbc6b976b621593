/**
 * `npm run bench -- soak`: Tollgate (recording ON) under 32 connections for N minutes — 24 sending JSON
 * calls, 8 streams — sampling its RSS and throughput, then fitting a line through the RSS samples after the
 * warm-up fifth: a leak shows as a steady positive slope, not as one high sample.
 */
import autocannon from "autocannon";
import { startChild, type BenchChild } from "./child-ipc.ts";
import { createBenchDatabase } from "./database.ts";
import { printTable } from "./table.ts";
import { JSON_WORKLOAD, SSE_WORKLOAD } from "./workloads.ts";

export interface SoakOptions {
  minutes: number;
  sampleSeconds: number;
  /** extra environment for the Tollgate process (e.g. TOLLGATE_TOKENIZER_PRELOAD=false) */
  tollgateEnv: Record<string, string>;
}

/** Least-squares slope of y over x. */
export function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

export async function runSoakBench(o: SoakOptions): Promise<void> {
  const db = await createBenchDatabase();
  const children: BenchChild[] = [];
  try {
    const upstream = await startChild("./child-upstream.ts", {});
    children.push(upstream);
    const tollgate = await startChild("./child-tollgate.mjs", { BENCH_UPSTREAM: upstream.url, DATABASE_URL: db.url, ...o.tollgateEnv });
    children.push(tollgate);
    const seconds = Math.round(o.minutes * 60);
    process.stdout.write(
      `soak bench: ${o.minutes} min at c=32 (24 JSON + 8 SSE), RSS sampled every ${o.sampleSeconds}s, recording into ${db.where}\n`,
    );

    let counted = 0;
    const load = [
      { w: JSON_WORKLOAD, c: 24 },
      { w: SSE_WORKLOAD, c: 8 },
    ].map(({ w, c }) =>
      autocannon({
        url: tollgate.url + "/openai" + w.path,
        method: "POST",
        headers: w.headers,
        body: w.body,
        connections: c,
        duration: seconds,
        timeout: 30,
      }).on("tick", (t) => {
        counted += t.counter;
      }),
    );
    const samples: (string | number)[][] = [];
    const points: [number, number][] = [];
    const started = Date.now();
    let lastCount = 0;
    let lastAt = started;
    const sampler = setInterval(() => {
      void tollgate.stats().then((s) => {
        const now = Date.now();
        const minute = (now - started) / 60_000;
        const rssMb = s.rssBytes / 1e6;
        samples.push([
          minute.toFixed(2),
          rssMb,
          s.heapUsedBytes / 1e6,
          s.externalBytes / 1e6,
          s.extra.recorderQueue ?? NaN,
          (counted - lastCount) / ((now - lastAt) / 1000),
        ]);
        points.push([minute, rssMb]);
        lastCount = counted;
        lastAt = now;
      });
    }, o.sampleSeconds * 1000);
    const results = await Promise.all(load);
    clearInterval(sampler);

    printTable(
      "soak — Tollgate RSS and throughput over time (target: RSS < 200 MB, no upward trend)",
      ["minute", "RSS MB", "heap used MB", "external MB", "recorder queue", "req/s"],
      samples,
    );
    const steady = points.slice(Math.floor(points.length / 5));
    const maxRss = Math.max(...points.map(([, y]) => y));
    const total = results.reduce((s, r) => s + r["2xx"], 0);
    const failed = results.reduce((s, r) => s + r.errors + r.timeouts + r.non2xx, 0);
    printTable(
      "soak — summary",
      ["figure", "value"],
      [
        ["requests (2xx)", total],
        ["failed", failed],
        ["mean req/s", total / seconds],
        ["max RSS MB", maxRss],
        ["RSS trend after warm-up, MB/min", slope(steady)],
      ],
    );
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => {});
    await db.close();
  }
}

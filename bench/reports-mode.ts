/**
 * `npm run bench -- reports`: reporting-API latency over a seeded database. With `--database-url` it uses a
 * database seeded beforehand (`npm run seed`); otherwise it creates one and seeds `--calls` synthetic calls
 * over the last 30 days through `insertCalls` (the recorder's own write path, so whatever it maintains at
 * write time — rollups — is maintained here too).
 */
import pg from "pg";
import { insertCalls } from "../server/src/metering/call-writer.ts";
import { startChild, type BenchChild } from "./child-ipc.ts";
import { createBenchDatabase, existingDatabase, type BenchDatabase } from "./database.ts";
import { percentile } from "./load.ts";
import { rng, syntheticCall } from "./synthetic-calls.ts";
import { printTable } from "./table.ts";

export interface ReportsOptions {
  calls: number;
  runs: number;
  databaseUrl: string | undefined;
}

const DAY = 86_400_000;

async function seed(url: string, wanted: number): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const since = new Date(Date.now() - 30 * DAY);
    const { rows } = await pool.query<{ n: string }>("SELECT count(*)::text AS n FROM calls WHERE started_at >= $1", [since]);
    const have = Number(rows[0]?.n ?? 0);
    if (have >= wanted) return;
    const missing = wanted - have;
    process.stdout.write(`  seeding ${missing.toLocaleString("en-US")} synthetic calls over 30 days…\n`);
    const random = rng(7);
    const start = since.getTime() + 60_000;
    const step = (30 * DAY - 120_000) / missing;
    const started = performance.now();
    for (let i = 0; i < missing; i += 5000) {
      const n = Math.min(5000, missing - i);
      await insertCalls(pool, Array.from({ length: n }, (_, j) => syntheticCall(random, Math.floor(start + (i + j) * step))));
    }
    await pool.query("ANALYZE calls");
    process.stdout.write(`  seeded in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  } finally {
    await pool.end();
  }
}

async function timed(url: string): Promise<{ ms: number; status: number; body: unknown }> {
  const t = performance.now();
  const res = await fetch(url);
  const body: unknown = await res.json().catch(() => null);
  return { ms: performance.now() - t, status: res.status, body };
}

export async function runReportsBench(o: ReportsOptions): Promise<void> {
  const db: BenchDatabase = o.databaseUrl ? await existingDatabase(o.databaseUrl) : await createBenchDatabase();
  let tollgate: BenchChild | undefined;
  try {
    if (!o.databaseUrl) await seed(db.url, o.calls);
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const { rows } = await pool.query<{ n: string }>("SELECT count(*)::text AS n FROM calls");
    await pool.end();
    tollgate = await startChild("./child-tollgate.ts", { BENCH_UPSTREAM: "http://127.0.0.1:9", DATABASE_URL: db.url });
    const to = new Date();
    const from = new Date(to.getTime() - 30 * DAY);
    const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
    const endpoints: [string, string, number][] = [];
    for (const report of ["spend", "failures", "latency"]) {
      for (const groupBy of ["app", "provider"]) endpoints.push([`/api/${report} 30 d by ${groupBy} per day`, `/api/${report}?${range}&groupBy=${groupBy}&interval=day`, 300]);
    }
    endpoints.push([`/api/calls first page (100)`, `/api/calls?${range}&limit=100`, 100]);
    process.stdout.write(`reports bench: ${Number(rows[0]?.n).toLocaleString("en-US")} calls in ${db.where}; ${o.runs} sequential runs per endpoint\n`);

    const table: (string | number)[][] = [];
    for (const [name, path, target] of endpoints) {
      const times: number[] = [];
      let status = 0;
      await timed(tollgate.url + path); // first run warms caches and plans
      for (let i = 0; i < o.runs; i++) {
        const r = await timed(tollgate.url + path);
        status = r.status;
        times.push(r.ms);
      }
      table.push([name, status === 200 ? "200" : `${status} (not served)`, percentile(times, 50), percentile(times, 95), target]);
    }
    // A deep page: follow the keyset cursor 20 pages in, then time the next page.
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const r = await timed(`${tollgate.url}/api/calls?${range}&limit=100${cursor ? `&cursor=${cursor}` : ""}`);
      cursor = (r.body as { nextCursor?: string | null } | null)?.nextCursor ?? null;
      if (!cursor) break;
    }
    if (cursor) {
      const times: number[] = [];
      for (let i = 0; i < o.runs; i++) times.push((await timed(`${tollgate.url}/api/calls?${range}&limit=100&cursor=${cursor}`)).ms);
      table.push([`/api/calls page 21 (keyset cursor)`, "200", percentile(times, 50), percentile(times, 95), 100]);
    }
    printTable("reports — API latency over the seeded database", ["request", "status", "p50 ms", "p95 ms", "target p95 ms"], table);
  } finally {
    await tollgate?.stop().catch(() => {});
    await db.close();
  }
}

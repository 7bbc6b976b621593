/**
 * `npm run bench -- reports`: reporting-API latency over a seeded database. With `--database-url` it uses a
 * database seeded beforehand (`npm run seed`); otherwise it creates one and seeds `--calls` calls over the
 * last 30 days with the same seeder (scripts/seed.ts: priced synthetic traffic through the recorder's own
 * insertCalls, so the rollups are filled as in production).
 */
import pg from "pg";
import { seed } from "../scripts/seed.ts";
import { startChild, type BenchChild } from "./child-ipc.ts";
import { createBenchDatabase, existingDatabase, type BenchDatabase } from "./database.ts";
import { percentile } from "./load.ts";
import { printTable } from "./table.ts";

export interface ReportsOptions {
  calls: number;
  runs: number;
  databaseUrl: string | undefined;
}

const DAY = 86_400_000;

/** Seeds the missing calls of the last 30 days with the project's seeder (scripts/seed.ts, `npm run seed`). */
async function seedMissing(url: string, wanted: number): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  let have = 0;
  try {
    const { rows } = await pool.query<{ n: string }>("SELECT count(*)::text AS n FROM calls WHERE started_at >= $1", [new Date(Date.now() - 30 * DAY)]);
    have = Number(rows[0]?.n ?? 0);
  } finally {
    await pool.end();
  }
  if (have >= wanted) return;
  process.stdout.write(`  seeding ${(wanted - have).toLocaleString("en-US")} calls over 30 days (scripts/seed.ts)…\n`);
  const result = await seed({ databaseUrl: url, calls: wanted - have, days: 30, batch: 10_000, workers: 3, seed: 1 });
  process.stdout.write(`  seeded in ${result.seconds.toFixed(0)} s (${Math.round(result.rowsPerSecond).toLocaleString("en-US")} calls/s)\n`);
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
    if (!o.databaseUrl) await seedMissing(db.url, o.calls);
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const { rows } = await pool.query<{ n: string }>("SELECT count(*)::text AS n FROM calls");
    await pool.end();
    tollgate = await startChild("./child-tollgate.mjs", { BENCH_UPSTREAM: "http://127.0.0.1:9", DATABASE_URL: db.url });
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

/**
 * `npm run bench -- ingest`: how fast calls reach Postgres, without the proxy in the way. First
 * `insertCalls` alone (one `INSERT … SELECT FROM unnest(…)` per batch) at several batch sizes, then the
 * Recorder as the server configures it (queue → batches), fed as fast as the process can enqueue.
 */
import pg from "pg";
import { insertCalls } from "../server/src/metering/call-writer.ts";
import { Recorder } from "../server/src/metering/recorder.ts";
import type { CallRecord } from "../server/src/metering/call-record.ts";
import { createBenchDatabase } from "./database.ts";
import { SyntheticTraffic } from "../scripts/synthetic-traffic.ts";
import { printTable } from "./table.ts";

export interface IngestOptions {
  rows: number;
  batchSizes: number[];
}

/** The seeder's realistic traffic (providers, apps, outcomes, streams), spread over the last hour. */
function makeRecords(n: number, seed: number): CallRecord[] {
  const traffic = new SyntheticTraffic(seed, () => ({ costUsd: "0.0001234567", priceId: "bench", priced: true }));
  const now = Date.now();
  return traffic.calls(n, now - 3_600_000, now);
}

export async function runIngestBench(o: IngestOptions): Promise<void> {
  const db = await createBenchDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  try {
    process.stdout.write(`ingest bench: ${o.rows.toLocaleString("en-US")} rows per run into ${db.where}\n`);
    const rows: (string | number)[][] = [];
    let seed = 1;
    for (const size of o.batchSizes) {
      const records = makeRecords(o.rows, seed++);
      const started = performance.now();
      let worst = 0;
      for (let i = 0; i < records.length; i += size) {
        const t = performance.now();
        await insertCalls(pool, records.slice(i, i + size));
        worst = Math.max(worst, performance.now() - t);
      }
      const seconds = (performance.now() - started) / 1000;
      rows.push([`insertCalls, batch ${size}`, o.rows / seconds, (seconds * 1000 * size) / o.rows, worst]);
    }

    // The recorder end to end, with the server's defaults (batch 2000) and with the best batch above.
    for (const batchSize of [2000, 5000]) {
      const records = makeRecords(o.rows, seed++);
      let written = 0;
      const recorder = new Recorder({
        batchSize,
        flushMs: 200,
        maxQueue: o.rows + 1,
        write: async (batch) => {
          written += await insertCalls(pool, batch);
        },
      });
      const started = performance.now();
      for (const r of records) recorder.enqueue(r);
      await recorder.flush();
      const seconds = (performance.now() - started) / 1000;
      if (written !== o.rows) throw new Error(`recorder wrote ${written} of ${o.rows} rows`);
      rows.push([`Recorder (queue → batches of ${batchSize})`, o.rows / seconds, NaN, NaN]);
    }
    printTable("ingest — calls into Postgres (target ≥ 20,000 calls/s)", ["writer", "rows/s", "ms per batch (mean)", "slowest batch ms"], rows);
    const { rows: count } = await pool.query<{ n: string }>("SELECT count(*)::text AS n FROM calls");
    process.stdout.write(`\nrows in calls afterwards: ${Number(count[0]?.n).toLocaleString("en-US")} (every run's rows, none lost or doubled)\n`);
  } finally {
    await pool.end();
    await db.close();
  }
}

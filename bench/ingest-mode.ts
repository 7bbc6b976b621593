/**
 * `npm run bench -- ingest`: how fast calls reach Postgres, without the proxy in the way. First
 * `insertCalls` alone (one writer, one transaction per batch) at several batch sizes, then the recorder as
 * the server builds it (createDurableRecorder: queue → batches on `TOLLGATE_RECORDER_WRITERS` connections,
 * spool, replayer; settings from the environment like the server's), fed as fast as the queue bound allows.
 * Every line also shows the CPU it cost per row in this process and in Postgres (the steadier figures on
 * a shared machine).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setImmediate as yieldNow, setTimeout as sleep } from "node:timers/promises";
import { loadConfig, type Config } from "../server/src/config.ts";
import { createDatabase, type Database } from "../server/src/db/client.ts";
import { createLogger } from "../server/src/lib/logger.ts";
import type { CallRecord } from "../server/src/domain/call-record.ts";
import { insertCalls } from "../server/src/recording/call-writer.ts";
import { createDurableRecorder } from "../server/src/recording/durable-recorder.ts";
import { createMetrics } from "../server/src/metrics/index.ts";
import { SyntheticTraffic } from "../scripts/synthetic-traffic.ts";
import { createBenchDatabase } from "./database.ts";
import { cpuBetween, postgresCpu, type PostgresCpu } from "./postgres-cpu.ts";
import { printTable, type Cell } from "./table.ts";

export interface IngestOptions {
  rows: number;
  batchSizes: number[];
  /** extra recorder runs with these writer counts (at the configured batch size) */
  writers: number[];
  /** extra recorder runs with these batch sizes (with the configured writers) */
  recorderBatchSizes: number[];
  /** recorder runs are repeated this many times, interleaved, and the median reported */
  rounds: number;
}

/** The seeder's realistic traffic (providers, apps, outcomes, streams), spread over the last hour. */
function makeRecords(n: number, seed: number): CallRecord[] {
  const traffic = new SyntheticTraffic(seed, () => ({ costUsd: "0.0001234567", priceId: "bench", priced: true }));
  const now = Date.now();
  return traffic.calls(n, now - 3_600_000, now);
}

interface Run {
  rowsPerSecond: number;
  nodeMicrosPerRow: number;
  postgresMicrosPerRow: number | null;
  /** the longest the event loop was blocked (building a batch's parameters and rollups runs on it, as in the proxy) */
  eventLoopMaxMs: number;
}

/** Times `work` (which writes `rows` rows) with this process's and Postgres' CPU. */
async function measure(rows: number, pgCpu: PostgresCpu, work: () => Promise<void>): Promise<Run> {
  const pgBefore = await pgCpu.sample();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  loop.disable();
  const pg = cpuBetween(pgBefore, await pgCpu.sample());
  return {
    rowsPerSecond: rows / seconds,
    nodeMicrosPerRow: (cpu.user + cpu.system) / rows,
    postgresMicrosPerRow: pg === null ? null : pg / rows,
    eventLoopMaxMs: loop.max / 1e6,
  };
}

/** The server's recorder on the bench database; resolves once every record is in Postgres. */
async function recorderRun(config: Config, database: Database, records: CallRecord[]): Promise<void> {
  const spoolDir = mkdtempSync(join(tmpdir(), "tollgate-bench-spool-"));
  const durable = await createDurableRecorder(
    { ...config, spoolDir },
    database.pool,
    createMetrics(config.metrics),
    createLogger("silent"),
  );
  const { recorder } = durable;
  const { maxQueue } = config.recorder;
  // Like the proxy: records arrive in small groups between event-loop turns, never past the queue bound
  // (beyond it the recorder would spill to the spool, which is not what is measured here).
  const group = Math.max(1, Math.min(500, Math.floor(maxQueue / 4)));
  for (let i = 0; i < records.length;) {
    if (recorder.queueDepth() + group < maxQueue) {
      for (const end = Math.min(i + group, records.length); i < end; i++) recorder.enqueue(records[i] as CallRecord);
      await yieldNow();
    } else await sleep(1);
  }
  await durable.close();
  const spooled = durable.spool.records();
  rmSync(spoolDir, { recursive: true, force: true });
  if (spooled > 0) throw new Error(`${spooled} records went to the spool instead of Postgres`);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

export async function runIngestBench(o: IngestOptions): Promise<void> {
  const db = await createBenchDatabase();
  const database = createDatabase(db.url);
  const pgCpu = await postgresCpu(db.url);
  const config = loadConfig(process.env);
  try {
    process.stdout.write(`ingest bench: ${o.rows.toLocaleString("en-US")} rows per run into ${db.where}\n`);
    const rows: Cell[][] = [];
    let seed = 1;
    let expected = 0;
    for (const size of o.batchSizes) {
      const records = makeRecords(o.rows, seed++);
      let worst = 0;
      const run = await measure(o.rows, pgCpu, async () => {
        for (let i = 0; i < records.length; i += size) {
          const t = performance.now();
          await insertCalls(database.pool, records.slice(i, i + size));
          worst = Math.max(worst, performance.now() - t);
        }
      });
      expected += o.rows;
      const batches = Math.ceil(o.rows / size);
      rows.push([
        `insertCalls, batch ${size}, one writer`,
        run.rowsPerSecond,
        (o.rows / run.rowsPerSecond / batches) * 1000,
        worst,
        run.nodeMicrosPerRow,
        run.postgresMicrosPerRow,
        run.eventLoopMaxMs,
      ]);
    }

    // The recorder as configured (TOLLGATE_RECORDER_*), then the other writer counts asked for; rounds
    // interleave them so a neighbour's load lands on each alike.
    const { batchSize, writers } = config.recorder;
    const variants = [
      { batchSize, writers },
      ...o.writers.filter((w) => w !== writers).map((w) => ({ batchSize, writers: w })),
      ...o.recorderBatchSizes.filter((b) => b !== batchSize).map((b) => ({ batchSize: b, writers })),
    ];
    const runs = variants.map(() => [] as Run[]);
    for (let round = 0; round < o.rounds; round++) {
      for (const [i, v] of variants.entries()) {
        const records = makeRecords(o.rows, seed++);
        const variant = { ...config, recorder: { ...config.recorder, ...v } };
        runs[i]?.push(await measure(o.rows, pgCpu, () => recorderRun(variant, database, records)));
        expected += o.rows;
      }
    }
    for (const [i, v] of variants.entries()) {
      const r = runs[i] ?? [];
      const label = `Recorder, batch ${v.batchSize}, ${v.writers} writer${v.writers === 1 ? "" : "s"}${i === 0 ? " (as configured)" : ""}`;
      const pg = r.map((x) => x.postgresMicrosPerRow);
      rows.push([
        label,
        median(r.map((x) => x.rowsPerSecond)),
        null,
        null,
        median(r.map((x) => x.nodeMicrosPerRow)),
        pg.includes(null) ? null : median(pg as number[]),
        median(r.map((x) => x.eventLoopMaxMs)),
      ]);
    }
    printTable(
      `ingest — calls into Postgres (target ≥ 20,000 calls/s)${o.rounds > 1 ? `; recorder lines: median of ${o.rounds} interleaved rounds` : ""}`,
      [
        "writer",
        "rows/s",
        "ms per batch (mean)",
        "slowest batch ms",
        "Node CPU µs/row",
        "Postgres CPU µs/row",
        "event loop blocked, max ms",
      ],
      rows,
    );
    const { rows: count } = await database.pool.query<{ n: string }>("SELECT count(*)::text AS n FROM calls");
    const n = Number(count[0]?.n);
    process.stdout.write(
      `\nrows in calls afterwards: ${n.toLocaleString("en-US")} of ${expected.toLocaleString("en-US")} written (${n === expected ? "none lost or doubled" : "MISMATCH"})\n`,
    );
  } finally {
    await pgCpu.close();
    await database.close();
    await db.close();
  }
}

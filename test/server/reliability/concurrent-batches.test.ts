import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import { Recorder } from "../../../server/src/recording/recorder.ts";
import { refreshRollups } from "../../../server/src/rollups/rollup-rebuild.ts";
import { Spool } from "../../../server/src/recording/spool.ts";
import { SpoolReplayer } from "../../../server/src/recording/spool-replayer.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { syntheticCalls } from "../api/fixtures.ts";

const HOUR = 3_600_000;
const START = Date.parse("2026-10-05T22:00:00Z");
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE calls, call_rollups_hourly, call_rollups_daily");
});

/** Every hourly and daily rollup row, in key order (histograms merged, so storage order does not matter). */
async function rollupRows(): Promise<string[]> {
  const row = (t: string, time: string) => `SELECT row(${time}, provider, app, model, outcome, calls, unpriced_calls, input_tokens,
      cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_usd, round(latency_ms_sum::numeric, 6),
      latency_count, round(ttft_ms_sum::numeric, 6), ttft_count, tollgate_hist_merge(latency_hist, '{}'),
      tollgate_hist_merge(ttft_hist, '{}'))::text AS r FROM ${t} ORDER BY ${time}, provider, app, model, outcome`;
  const hourly = await db.pool.query<{ r: string }>(row("call_rollups_hourly", "hour"));
  const daily = await db.pool.query<{ r: string }>(row("call_rollups_daily", "day"));
  return [...hourly.rows, ...daily.rows].map((x) => x.r);
}

/** Asserts the calls table holds exactly `calls`, once each, and the rollups equal a rebuild from them. */
async function expectRecordedOnce(calls: readonly CallRecord[]): Promise<void> {
  const { rows } = await db.pool.query<{ n: number; distinct: number }>(
    "SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct FROM calls",
  );
  expect(rows[0]).toEqual({ n: calls.length, distinct: calls.length });
  const written = await rollupRows();
  const total = await db.pool.query<{ n: string }>("SELECT sum(calls)::text AS n FROM call_rollups_hourly");
  expect(total.rows[0]?.n).toBe(String(calls.length));
  await refreshRollups(db.pool, new Date(START), new Date(START + 4 * HOUR));
  expect(await rollupRows()).toEqual(written);
}

describe("batches written concurrently", () => {
  it("eight transactions upserting the same rollup keys at once: no deadlock, rollups equal the calls", async () => {
    // Every batch spans the same four hours across midnight, so all of them touch the same hourly and daily rows.
    const calls = syntheticCalls(4_000, START, START + 4 * HOUR);
    const batches = Array.from({ length: 8 }, (_, k) => calls.filter((_, i) => i % 8 === k));
    const inserted = await Promise.all(batches.map((b) => insertCalls(db.pool, b)));
    expect(inserted.reduce((a, b) => a + b, 0)).toBe(calls.length);
    await expectRecordedOnce(calls);
  });

  it("a batch racing its own replay (and a batch overlapping both) counts each call once", async () => {
    const calls = syntheticCalls(1_500, START, START + 4 * HOUR, 9);
    const batch = calls.slice(0, 1_000);
    const inserted = await Promise.all([
      insertCalls(db.pool, batch),
      insertCalls(db.pool, [...batch]),
      insertCalls(db.pool, calls.slice(500)),
    ]);
    expect(inserted.reduce((a, b) => a + b, 0)).toBe(calls.length);
    await expectRecordedOnce(calls);
  });

  it("recorder with three writers, some batches failing after their commit (a timeout): spooled, replayed, each call once", async () => {
    const spool = await Spool.open({ dir: mkdtempSync(join(tmpdir(), "tollgate-concurrent-")), maxBytes: 1 << 26 });
    const replayer = new SpoolReplayer({ spool, batchSize: 200, intervalMs: 10, write: (records) => insertCalls(db.pool, records) });
    let batches = 0;
    const recorder = new Recorder({
      batchSize: 200,
      flushMs: 5,
      maxQueue: 10_000,
      writers: 3,
      async write(records) {
        const n = batches++;
        // Every third batch "times out" before or after Postgres committed it: either way it is spooled.
        if (n % 3 === 1) throw new Error("batch insert took over 15000 ms");
        await insertCalls(db.pool, records);
        if (n % 3 === 2) throw new Error("batch insert took over 15000 ms");
        if (spool.records() > 0) replayer.kick();
      },
      overflow: (records) => spool.append(records),
    });
    replayer.start();
    const calls = syntheticCalls(3_000, START, START + 4 * HOUR, 11);
    for (const c of calls) recorder.enqueue(c);
    await recorder.close();
    expect(spool.records()).toBeGreaterThan(0);
    await replayer.replayNow();
    await replayer.stop();
    expect(spool.records()).toBe(0);
    await expectRecordedOnce(calls);
  });
});

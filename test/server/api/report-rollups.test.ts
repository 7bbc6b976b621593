import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failuresReport } from "../../../server/src/reports/failures.ts";
import { latencyReport } from "../../../server/src/reports/latency.ts";
import { createDatabase } from "../../../server/src/db/client.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { refreshRollups } from "../../../server/src/rollups/rollup-rebuild.ts";
import { uuidv7 } from "../../../server/src/lib/uuidv7.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { call, syntheticCalls } from "./fixtures.ts";

// The report rollups (call_errors_*, call_latency_*) written by the batch insert must hold exactly what the
// calls give: each call once, whatever the batching, replays, recomputes or concurrent writers.
const DAY = 86_400_000;
const START = Date.parse("2026-10-01T00:00:00Z");
const END = START + 6 * DAY;
let db: TestDatabase;
let calls: CallRecord[];

/** Failed calls with what the synthetic traffic lacks: NULL type/message, a long message, equal timestamps. */
function oddFailures(): CallRecord[] {
  const at = "2026-10-02T10:15:00.000Z";
  const failed = { outcome: "upstream_error" as const, status: 500, latencyMs: 900 };
  return [
    call({ at, ...failed, errorType: null, errorMessage: null }),
    call({ at, ...failed, errorType: "server_error", errorMessage: null }),
    call({ at, ...failed, errorType: null, errorMessage: "server_error" }),
    call({ at, ...failed, errorType: "server_error", errorMessage: "x".repeat(20_000) }),
    // Two calls of one error at the same millisecond: the later id is the error's latest call.
    call({ at, ...failed, id: uuidv7(Date.parse(at)), errorType: "tie", errorMessage: "same ms" }),
    call({ at, ...failed, id: uuidv7(Date.parse(at)), errorType: "tie", errorMessage: "same ms" }),
  ];
}

const errorRows = (time: "hour" | "day", table: string) =>
  db.pool
    .query<{ r: string }>(
      `SELECT row(${time}, provider, app, model, outcome, error_type, error_message, calls, last_seen)::text AS r FROM ${table}`,
    )
    .then((x) => x.rows.map((r) => r.r).sort());

const errorRowsFromCalls = (unit: "hour" | "day") =>
  db.pool
    .query<{ r: string }>(
      `SELECT row(e.*)::text AS r FROM (SELECT date_trunc('${unit}', started_at, 'UTC'), provider, app, coalesce(model, ''),
        outcome, error_type, error_message, count(*), max(started_at) FROM calls WHERE outcome <> 'ok' GROUP BY 1, 2, 3, 4, 5, 6, 7) AS e`,
    )
    .then((x) => x.rows.map((r) => r.r).sort());

const latencyRows = (time: "hour" | "day", table: string) =>
  db.pool
    .query<{ r: string }>(
      `SELECT row(${time}, level, provider, app, model, calls, tollgate_hist_merge(latency_hist, '{}'),
        tollgate_hist_merge(ttft_hist, '{}'))::text AS r FROM ${table}`,
    )
    .then((x) => x.rows.map((r) => r.r).sort());

const latencyRowsFromCalls = (unit: "hour" | "day") =>
  db.pool
    .query<{ r: string }>(
      `WITH c AS (
        SELECT date_trunc('${unit}', started_at, 'UTC') AS t, v.*, latency_ms, ttft_ms
          FROM calls, LATERAL (VALUES ('provider', provider, '', ''), ('app', '', app, ''))
                      AS v(level, provider, app, model)
      ), l AS (
        SELECT t, level, provider, app, model, sum(n) AS calls, array_agg((b::bigint << 32) + n ORDER BY b) AS h
          FROM (SELECT t, level, provider, app, model, tollgate_latency_bucket(latency_ms) AS b, count(*) AS n FROM c GROUP BY 1, 2, 3, 4, 5, 6) AS x
         GROUP BY 1, 2, 3, 4, 5
      ), f AS (
        SELECT t, level, provider, app, model, array_agg((b::bigint << 32) + n ORDER BY b) AS h
          FROM (SELECT t, level, provider, app, model, tollgate_latency_bucket(ttft_ms) AS b, count(*) AS n FROM c WHERE ttft_ms IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6) AS x
         GROUP BY 1, 2, 3, 4, 5
      )
      SELECT row(l.t, l.level, l.provider, l.app, l.model, l.calls, l.h, coalesce(f.h, '{}'))::text AS r FROM l LEFT JOIN f USING (t, level, provider, app, model)`,
    )
    .then((x) => x.rows.map((r) => r.r).sort());

/** Every report rollup row equals the same aggregation of the calls, hourly and daily. */
async function expectRollupsEqualCalls(): Promise<void> {
  const [errorsHourly, errorsDaily] = await Promise.all([errorRowsFromCalls("hour"), errorRowsFromCalls("day")]);
  expect(errorsHourly.length).toBeGreaterThan(50);
  expect(await errorRows("hour", "call_errors_hourly")).toEqual(errorsHourly);
  expect(await errorRows("day", "call_errors_daily")).toEqual(errorsDaily);
  const [latencyHourly, latencyDaily] = await Promise.all([latencyRowsFromCalls("hour"), latencyRowsFromCalls("day")]);
  expect(latencyHourly.length).toBeGreaterThan(50);
  expect(await latencyRows("hour", "call_latency_hourly")).toEqual(latencyHourly);
  expect(await latencyRows("day", "call_latency_daily")).toEqual(latencyDaily);
}

beforeAll(async () => {
  db = await createTestDatabase();
  calls = [...syntheticCalls(5_000, START, END, 11), ...oddFailures()].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  for (let i = 0; i < calls.length; i += 700) await insertCalls(db.pool, calls.slice(i, i + 700));
});
afterAll(async () => {
  await db?.drop();
});

describe("report rollups (call_errors_*, call_latency_*)", () => {
  it("count each inserted call once, exactly as the calls aggregate (NULL and long error messages included)", async () => {
    await expectRollupsEqualCalls();
    const { rows } = await db.pool.query<{ n: string }>("SELECT sum(calls)::text AS n FROM call_latency_daily WHERE level = 'provider'");
    expect(rows[0]?.n).toBe(String(calls.length));
  });

  it("are unchanged by a replayed batch, and count only the new calls of a mixed one", async () => {
    expect(await insertCalls(db.pool, calls.slice(1_000, 2_000))).toBe(0);
    await expectRollupsEqualCalls();
    const fresh = syntheticCalls(400, START, END, 12);
    expect(await insertCalls(db.pool, [...calls.slice(3_000, 3_300), ...fresh, { ...(fresh[1] as CallRecord) }])).toBe(400);
    calls.push(...fresh);
    await expectRollupsEqualCalls();
  });

  it("are rebuilt by refreshRollups after calls changed in place (and equal a backfill by the migration's functions)", async () => {
    const day = [new Date(START + 2 * DAY), new Date(START + 3 * DAY)] as const;
    const { rowCount } = await db.pool.query(
      "UPDATE calls SET error_message = 'rewritten', latency_ms = latency_ms * 3 WHERE started_at >= $1 AND started_at < $2 AND outcome <> 'ok'",
      [...day],
    );
    expect(rowCount).toBeGreaterThan(10);
    await refreshRollups(db.pool, day[0], new Date(day[1].getTime() - 1));
    await expectRollupsEqualCalls();
    const written = [await errorRows("day", "call_errors_daily"), await latencyRows("day", "call_latency_daily")];
    await db.pool.query("SELECT tollgate_report_rollup_hours('-infinity', 'infinity')");
    await db.pool.query("SELECT tollgate_report_rollup_days('-infinity', 'infinity')");
    expect([await errorRows("day", "call_errors_daily"), await latencyRows("day", "call_latency_daily")]).toEqual(written);
  });

  it("hold every call of two writers inserting overlapping keys at once (no deadlock, nothing lost)", async () => {
    const other = createDatabase(db.url, { max: 4 });
    try {
      const a = syntheticCalls(3_000, START, END, 21);
      const b = syntheticCalls(3_000, START, END, 22);
      const batches = (cs: CallRecord[]) => Array.from({ length: 6 }, (_, i) => cs.slice(i * 500, i * 500 + 500));
      const write = async (pool: typeof db.pool, bs: CallRecord[][]) => {
        let n = 0;
        for (const batch of bs) n += await insertCalls(pool, batch);
        return n;
      };
      const [ba, bb] = [batches(a), batches(b)];
      // Four writers on two pools, each batch spanning the whole range: every key is hit by all of them.
      const written = await Promise.all([
        write(db.pool, ba.slice(0, 3)),
        write(other.pool, bb.slice(0, 3)),
        write(db.pool, bb.slice(3)),
        write(other.pool, ba.slice(3)),
      ]);
      expect(written.reduce((s, n) => s + n, 0)).toBe(6_000);
      calls.push(...a, ...b);
      await expectRollupsEqualCalls();
    } finally {
      await other.close();
    }
  });

  it("serve the reports with the same top errors and latency counts as the raw calls", async () => {
    const queries = [
      { from: "2026-10-01T03:20:00Z", to: "2026-10-06T21:05:00Z", groupBy: "app", interval: "day" },
      { from: "2026-10-02T00:00:00Z", to: "2026-10-03T00:00:00Z", groupBy: "provider", provider: "openai" },
      { from: "2026-10-01T00:00:00Z", to: "2026-10-07T00:00:00Z", groupBy: "user", outcome: "upstream_error" },
      // Each latency level: per provider, per app (with its own filter), call_rollups_* otherwise.
      { from: "2026-10-01T05:00:00Z", to: "2026-10-06T00:00:00Z", groupBy: "provider", provider: "anthropic", interval: "day" },
      { from: "2026-10-01T05:00:00Z", to: "2026-10-06T00:00:00Z", groupBy: "app", app: "support-bot", interval: "hour" },
      { from: "2026-10-01T05:00:00Z", to: "2026-10-06T00:00:00Z", groupBy: "provider", app: "support-bot", interval: "day" },
      { from: "2026-10-01T05:00:00Z", to: "2026-10-06T00:00:00Z", groupBy: "model", interval: "day" },
    ];
    for (const q of queries) {
      const raw = await failuresReport(db.prisma, q, { source: "raw" });
      expect(raw.topErrors.length).toBeGreaterThan(3);
      expect((await failuresReport(db.prisma, q, { source: "rollups" })).topErrors).toEqual(raw.topErrors);
      const exact = await latencyReport(db.prisma, q, { source: "raw" });
      const hist = await latencyReport(db.prisma, q, { source: "rollups" });
      expect(exact.totals.calls).toBeGreaterThan(0);
      expect(hist.totals.calls).toBe(exact.totals.calls);
      expect(hist.groups.map((g) => [g.key, g.calls])).toEqual(exact.groups.map((g) => [g.key, g.calls]));
      expect(hist.series.map((g) => [g.bucket, g.group, g.calls])).toEqual(exact.series.map((g) => [g.bucket, g.group, g.calls]));
    }
    // The tie at one millisecond: the later id is the latest call, from either source.
    const tie = (
      await failuresReport(db.prisma, { from: "2026-10-02T10:00:00Z", to: "2026-10-02T11:00:00Z" }, { source: "rollups" })
    ).topErrors.find((e) => e.errorType === "tie");
    expect(tie?.count).toBe(2);
    const ids = calls.filter((c) => c.errorType === "tie").map((c) => c.id.toLowerCase());
    expect(tie?.lastCallId).toBe(ids.sort()[1]);
  });
});

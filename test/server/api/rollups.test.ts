import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failuresReport } from "../../../server/src/reports/failures.ts";
import { latencyReport } from "../../../server/src/reports/latency.ts";
import { planSource } from "../../../server/src/reports/report-source.ts";
import { spendReport } from "../../../server/src/reports/spend.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import { sumDecimalStrings } from "../../../server/src/lib/decimal.ts";
import { bucketBounds, bucketOf, percentiles, RELATIVE_ERROR_BOUND } from "../../../server/src/rollups/latency-histogram.ts";
import { refreshRollups } from "../../../server/src/rollups/rollup-rebuild.ts";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { syntheticCalls } from "./fixtures.ts";

const DAY = 86_400_000;
const START = Date.parse("2026-10-01T00:00:00Z");
let db: TestDatabase;
let calls: CallRecord[];

interface RollupTotals {
  calls: string;
  unpriced: string;
  input: string;
  output: string;
  cost: string;
  ttft: string;
  hist: string;
}

async function rollupTotals(table = "call_rollups_hourly"): Promise<RollupTotals> {
  const { rows } = await db.pool.query<RollupTotals>(`SELECT sum(calls)::text AS calls, sum(unpriced_calls)::text AS unpriced,
      sum(input_tokens)::text AS input, sum(output_tokens)::text AS output, sum(cost_usd)::text AS cost, sum(ttft_count)::text AS ttft,
      (SELECT sum(e & 4294967295) FROM ${table}, unnest(latency_hist) AS e)::text AS hist FROM ${table}`);
  return rows[0] as RollupTotals;
}

/** Every daily row equals the sum of its day's hourly rows, histograms included. */
async function dailyMismatches(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`
    WITH h AS (
      SELECT date_trunc('day', hour, 'UTC') AS day, provider, app, model, outcome, sum(calls) AS calls, sum(cost_usd) AS cost,
             sum(ttft_count) AS ttft, sum(input_tokens) AS input
        FROM call_rollups_hourly GROUP BY 1, 2, 3, 4, 5
    ), hh AS (
      SELECT date_trunc('day', hour, 'UTC') AS day, provider, app, model, outcome, e >> 32 AS k, sum(e & 4294967295) AS n
        FROM call_rollups_hourly, unnest(latency_hist || ttft_hist) AS e GROUP BY 1, 2, 3, 4, 5, 6
    ), dh AS (
      SELECT day, provider, app, model, outcome, e >> 32 AS k, sum(e & 4294967295) AS n
        FROM call_rollups_daily, unnest(latency_hist || ttft_hist) AS e GROUP BY 1, 2, 3, 4, 5, 6
    )
    SELECT ((SELECT count(*) FROM h FULL JOIN call_rollups_daily AS d USING (day, provider, app, model, outcome)
              WHERE h.calls IS DISTINCT FROM d.calls OR h.cost IS DISTINCT FROM d.cost_usd OR h.ttft IS DISTINCT FROM d.ttft_count
                 OR h.input IS DISTINCT FROM d.input_tokens)
          + (SELECT count(*) FROM hh FULL JOIN dh USING (day, provider, app, model, outcome, k) WHERE hh.n IS DISTINCT FROM dh.n))::int AS n`);
  return (rows[0] as { n: number }).n;
}

beforeAll(async () => {
  db = await createTestDatabase();
  // Ten days of traffic, written as the recorder writes it: in time order, batch by batch.
  calls = syntheticCalls(6_000, START, START + 10 * DAY);
  for (let i = 0; i < calls.length; i += 1_000) await insertCalls(db.pool, calls.slice(i, i + 1_000));
});
afterAll(async () => {
  await db?.drop();
});

describe("call_rollups_hourly", () => {
  it("holds exactly the sums of the calls inserted", async () => {
    const r = await rollupTotals();
    expect(r.calls).toBe("6000");
    expect(r.hist).toBe("6000");
    expect(r.ttft).toBe(String(calls.filter((c) => c.ttftMs !== null).length));
    expect(r.input).toBe(String(calls.reduce((s, c) => s + c.inputTokens, 0)));
    expect(r.output).toBe(String(calls.reduce((s, c) => s + c.outputTokens, 0)));
    expect(r.unpriced).toBe(String(calls.filter((c) => !c.priced && c.usageSource !== "none").length));
    expect(sumDecimalStrings([r.cost])).toBe(sumDecimalStrings(calls.map((c) => c.costUsd)));
    expect(await rollupTotals("call_rollups_daily")).toEqual(r);
    expect(await dailyMismatches()).toBe(0);
  });

  it("does not count a replayed batch twice (the insert skips it, so its rollup delta is empty)", async () => {
    const before = await rollupTotals();
    const replay = [...calls.slice(0, 1_500)];
    expect(await insertCalls(db.pool, replay)).toBe(0);
    expect(await rollupTotals()).toEqual(before);
    expect(await rollupTotals("call_rollups_daily")).toEqual(before);
  });

  it("counts only the new calls of a batch that mixes new and already recorded ones", async () => {
    const before = await rollupTotals();
    const fresh = syntheticCalls(300, START, START + 10 * DAY, 7);
    // Old calls, new ones, and one new call twice in the same batch.
    expect(await insertCalls(db.pool, [...calls.slice(2_000, 2_500), ...fresh, { ...(fresh[0] as CallRecord) }])).toBe(300);
    calls.push(...fresh);
    const after = await rollupTotals();
    expect(Number(after.calls) - Number(before.calls)).toBe(300);
    expect(Number(after.hist) - Number(before.hist)).toBe(300);
    expect(Number(after.input) - Number(before.input)).toBe(fresh.reduce((s, c) => s + c.inputTokens, 0));
    expect(await rollupTotals("call_rollups_daily")).toEqual(after);
    expect(await dailyMismatches()).toBe(0);
  });

  it("the batch insert's rollups (aggregated in Node) equal a rebuild from the calls in SQL, row by row (histograms merged)", async () => {
    const snapshot = async () =>
      (
        await db.pool.query<{ r: string }>(`SELECT row(hour, provider, app, model, outcome, calls, unpriced_calls, input_tokens,
          cached_input_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd,
          round(latency_ms_sum::numeric, 6), latency_count, round(ttft_ms_sum::numeric, 6), ttft_count,
          tollgate_hist_merge(latency_hist, '{}'), tollgate_hist_merge(ttft_hist, '{}'))::text AS r
          FROM call_rollups_hourly ORDER BY hour, provider, app, model, outcome`)
      ).rows.map((x) => x.r);
    const built = await snapshot();
    expect(built.length).toBeGreaterThan(100);
    await refreshRollups(db.pool, new Date(START), new Date(START + 10 * DAY));
    expect(await snapshot()).toEqual(built);
    expect(await dailyMismatches()).toBe(0);
  });

  it("refreshRollups rebuilds a range from calls changed in place", async () => {
    const before = await rollupTotals();
    const day = [new Date(START + 2 * DAY), new Date(START + 3 * DAY)] as const;
    // Re-price one day's priced calls by adding exactly 1 USD each, as a recompute would change them.
    const { rowCount } = await db.pool.query(
      "UPDATE calls SET cost_usd = cost_usd + 1 WHERE started_at >= $1 AND started_at < $2 AND cost_usd IS NOT NULL",
      [...day],
    );
    expect(rowCount).toBeGreaterThan(100);
    expect(await rollupTotals()).toEqual(before); // stale until refreshed
    const refreshed = await refreshRollups(db.pool, day[0], new Date(day[1].getTime() - 1));
    expect(refreshed.hours).toBe(24);
    const after = await rollupTotals();
    expect(after.calls).toBe(before.calls);
    expect(sumDecimalStrings([after.cost, "-" + before.cost])).toBe(String(rowCount));
    expect(await rollupTotals("call_rollups_daily")).toEqual(after);
    expect(await dailyMismatches()).toBe(0);
    const raw = await spendReport(
      db.prisma,
      { from: new Date(START).toISOString(), to: new Date(START + 10 * DAY).toISOString() },
      { source: "raw" },
    );
    const rolled = await spendReport(
      db.prisma,
      { from: new Date(START).toISOString(), to: new Date(START + 10 * DAY).toISOString() },
      { source: "rollups" },
    );
    expect(rolled).toEqual(raw);
  });
});

describe("reports: rollups and raw calls agree", () => {
  // Ranges with whole hours only, with partial hours at either edge, and filters rollups carry.
  const queries: Array<Record<string, string>> = [
    { from: "2026-10-01T00:00:00Z", to: "2026-10-11T00:00:00Z", interval: "day" },
    { from: "2026-10-01T07:13:45.123Z", to: "2026-10-09T18:59:59.999Z", interval: "day", groupBy: "app" },
    { from: "2026-10-02T05:30:00Z", to: "2026-10-03T02:10:00Z", interval: "hour", groupBy: "model" },
    { from: "2026-09-15T00:00:00Z", to: "2026-11-15T00:00:00Z", interval: "month", groupBy: "provider" },
    { from: "2026-10-01T00:00:01Z", to: "2026-10-11T00:00:00Z", provider: "openai", outcome: "rate_limited", groupBy: "model" },
    { from: "2026-10-03T10:20:00Z", to: "2026-10-07T00:00:00Z", app: "support-bot", model: "gpt-4o-mini", interval: "day" },
  ];

  it("uses rollups for these ranges (whole hours from rollups, edges from calls)", () => {
    for (const q of queries) {
      const plan = planSource({ from: new Date(q.from as string), to: new Date(q.to as string) }, "provider");
      expect(plan.kind).toBe("rollups");
    }
    expect(planSource({ from: new Date("2026-10-01T00:00:00Z"), to: new Date("2026-10-05T00:00:00Z") }, "user").kind).toBe("raw");
    expect(planSource({ from: new Date("2026-10-01T00:30:00Z"), to: new Date("2026-10-01T03:00:00Z") }, "app").kind).toBe("raw");
    // Whole UTC days come from the daily rows when the buckets are days or months, never for hourly buckets.
    const range = { from: new Date("2026-10-01T07:13:45.123Z"), to: new Date("2026-10-09T18:59:59.999Z") };
    expect(planSource(range, "app", "auto", "day")).toMatchObject({
      kind: "rollups",
      rollupFrom: new Date("2026-10-01T08:00:00Z"),
      dailyFrom: new Date("2026-10-02T00:00:00Z"),
      dailyTo: new Date("2026-10-09T00:00:00Z"),
      rollupTo: new Date("2026-10-09T18:00:00Z"),
    });
    const hourly = planSource(range, "app", "auto", "hour");
    expect(hourly.kind === "rollups" && hourly.dailyFrom.getTime() === hourly.dailyTo.getTime()).toBe(true);
  });

  it("spend: identical totals, groups and series to the last decimal", async () => {
    for (const q of queries) {
      const raw = await spendReport(db.prisma, q, { source: "raw" });
      expect(raw.totals.calls).toBeGreaterThan(0);
      expect(await spendReport(db.prisma, q, { source: "rollups" })).toEqual(raw);
      expect(sumDecimalStrings(raw.groups.map((g) => g.costUsd))).toBe(raw.totals.costUsd);
      expect(sumDecimalStrings(raw.series.map((s) => s.costUsd))).toBe(raw.totals.costUsd);
    }
  });

  it("failures: identical counts by outcome", async () => {
    for (const q of queries) {
      const raw = await failuresReport(db.prisma, q, { source: "raw" });
      expect(await failuresReport(db.prisma, q, { source: "rollups" })).toEqual(raw);
    }
  });

  it("latency: identical counts; histogram percentiles within the documented bound of the exact ones", async () => {
    for (const q of queries) {
      const exact = await latencyReport(db.prisma, q, { source: "raw" });
      const hist = await latencyReport(db.prisma, q, { source: "rollups" });
      expect(hist.percentiles).toBe("histogram");
      expect(hist.slowest).toEqual(exact.slowest);
      const pairs = [[exact.totals, hist.totals], ...exact.groups.map((g) => [g, hist.groups.find((h) => h.key === g.key)])];
      for (const [e, h] of pairs) {
        expect(h?.calls).toBe(e?.calls);
        for (const metric of ["latencyMs", "ttftMs"] as const) {
          for (const p of ["p50", "p90", "p95", "p99"] as const) {
            const want = e?.[metric][p];
            const got = h?.[metric][p];
            if (want == null) expect(got).toBeNull();
            else expect(Math.abs((got as number) - want)).toBeLessThanOrEqual(want * RELATIVE_ERROR_BOUND + 0.002);
          }
        }
      }
    }
  });
});

describe("latency histogram", () => {
  it("puts a value in the bucket whose bounds hold it, as the SQL function does", async () => {
    const values = [0, 0.4, 1, 1.5, 2, 3.7, 10, 99.99, 1000, 12345.678, 600000];
    const { rows } = await db.pool.query<{ b: number }>("SELECT tollgate_latency_bucket(v) AS b FROM unnest($1::float8[]) AS v", [values]);
    values.forEach((v, i) => {
      expect(rows[i]?.b).toBe(bucketOf(v));
      const [lo, hi] = bucketBounds(bucketOf(v));
      expect(v >= lo && v < hi).toBe(true);
    });
  });

  it("interpolates like percentile_cont and returns null when empty", () => {
    expect(percentiles(new Map(), [0.5])).toEqual([null]);
    const one = new Map([[bucketOf(100), 1]]);
    const [lo, hi] = bucketBounds(bucketOf(100));
    expect(percentiles(one, [0.5])[0]).toBeCloseTo((lo + hi) / 2, 3);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failuresReport } from "../../../server/src/reports/failures.ts";
import { latencyReport } from "../../../server/src/reports/latency.ts";
import { planSource, type SourceChoice } from "../../../server/src/reports/report-source.ts";
import { spendReport } from "../../../server/src/reports/spend.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import { canonicalDecimal, sumDecimalStrings } from "../../../server/src/lib/decimal.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { syntheticCalls } from "../api/fixtures.ts";

// The reports add up per-leg GROUP BY rows in Node (no GROUPING SETS, so every statement runs on Citus).
// Their totals, group sums and series sums must each equal the same figures computed in one SQL statement
// straight over the calls: a leg, a level or a row left out of the addition shows up here.

const DAY = 86_400_000;
const START = Date.parse("2026-10-01T00:00:00Z");
let db: TestDatabase;

interface CallTotals {
  calls: string;
  failures: string;
  unpriced: string;
  input: string;
  output: string;
  cost: string;
  fees: string;
}

async function sqlTotals(q: Record<string, string>): Promise<CallTotals> {
  const { rows } = await db.pool.query<CallTotals>(
    `SELECT count(*)::text AS calls, count(*) FILTER (WHERE outcome <> 'ok')::text AS failures,
            count(*) FILTER (WHERE NOT priced AND usage_source <> 'none')::text AS unpriced,
            coalesce(sum(input_tokens), 0)::text AS input, coalesce(sum(output_tokens), 0)::text AS output,
            coalesce(sum(cost_usd), 0)::text AS cost, coalesce(sum(fees_usd), 0)::text AS fees
       FROM calls WHERE started_at >= $1 AND started_at < $2 AND ($3::text IS NULL OR provider = $3) AND ($4::text IS NULL OR app = $4)`,
    [q.from, q.to, q.provider ?? null, q.app ?? null],
  );
  return rows[0] as CallTotals;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const calls = syntheticCalls(4_000, START, START + 6 * DAY, 7);
  for (let i = 0; i < calls.length; i += 1_000) await insertCalls(db.pool, calls.slice(i, i + 1_000));
});
afterAll(async () => {
  await db?.drop();
});

describe("report totals equal SQL over the calls", () => {
  // Partial hours at both edges, whole days in between: raw calls, hourly and daily rollups all serve.
  const queries: Array<Record<string, string>> = [
    { from: "2026-10-01T03:17:00Z", to: "2026-10-05T20:41:30Z", interval: "day", groupBy: "app" },
    { from: "2026-10-02T05:30:00Z", to: "2026-10-03T02:10:00Z", interval: "hour", groupBy: "model" },
    { from: "2026-10-01T00:00:00Z", to: "2026-10-07T00:00:00Z", interval: "month", groupBy: "provider", provider: "openai" },
    { from: "2026-10-02T00:10:00Z", to: "2026-10-02T01:50:00Z", groupBy: "user" },
  ];
  const sources: SourceChoice[] = ["raw", "rollups"];

  it("reads every leg for the long ranges (raw edges, hourly and daily rollups)", () => {
    const plan = planSource({ from: new Date(queries[0]?.from as string), to: new Date(queries[0]?.to as string) }, "app", "auto", "day");
    expect(plan).toMatchObject({
      kind: "rollups",
      rollupFrom: new Date("2026-10-01T04:00:00Z"),
      dailyFrom: new Date("2026-10-02T00:00:00Z"),
    });
  });

  it("spend: totals, the sum of the groups and the sum of the series", async () => {
    for (const q of queries) {
      const want = await sqlTotals(q);
      expect(Number(want.calls)).toBeGreaterThan(0);
      for (const source of sources) {
        const r = await spendReport(db.prisma, q, { source });
        expect(r.totals).toMatchObject({
          calls: Number(want.calls),
          unpricedCalls: Number(want.unpriced),
          inputTokens: Number(want.input),
          outputTokens: Number(want.output),
          costUsd: canonicalDecimal(want.cost),
          feesUsd: canonicalDecimal(want.fees),
        });
        for (const rows of [r.groups, r.series]) {
          expect(sumDecimalStrings(rows.map((g) => g.costUsd))).toBe(r.totals.costUsd);
          expect(rows.reduce((s, g) => s + g.calls, 0)).toBe(r.totals.calls);
          expect(rows.reduce((s, g) => s + g.outputTokens, 0)).toBe(r.totals.outputTokens);
        }
      }
    }
  });

  it("failures: totals, groups and series count every call and every failure", async () => {
    for (const q of queries) {
      const want = await sqlTotals(q);
      for (const source of sources) {
        const r = await failuresReport(db.prisma, q, { source });
        expect(r.totals.calls).toBe(Number(want.calls));
        expect(r.totals.failures).toBe(Number(want.failures));
        expect(Object.values(r.totals.byOutcome).reduce((s, n) => s + n, 0)).toBe(Number(want.calls));
        for (const rows of [r.groups, r.series]) {
          expect(rows.reduce((s, g) => s + g.calls, 0)).toBe(r.totals.calls);
          expect(rows.reduce((s, g) => s + g.failures, 0)).toBe(r.totals.failures);
        }
        const listed = r.topErrors.reduce((s, e) => s + e.count, 0);
        expect(listed).toBeGreaterThan(0);
        expect(listed).toBeLessThanOrEqual(r.totals.failures);
        for (const e of r.topErrors) expect(e.lastCallId).toMatch(/^[0-9a-f-]{36}$/);
      }
    }
  });

  it("latency: totals and groups count every call; exact percentiles are percentile_cont over the calls", async () => {
    for (const q of queries) {
      const want = await sqlTotals(q);
      for (const source of sources) {
        const r = await latencyReport(db.prisma, q, { source });
        expect(r.totals.calls).toBe(Number(want.calls));
        expect(r.groups.reduce((s, g) => s + g.calls, 0)).toBe(r.totals.calls);
        expect(r.series.reduce((s, g) => s + g.calls, 0)).toBe(r.totals.calls);
      }
      const exact = await latencyReport(db.prisma, q, { source: "raw" });
      const { rows } = await db.pool.query<{ p: number[] }>(
        `SELECT percentile_cont(ARRAY[0.5, 0.9, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms) AS p
           FROM calls WHERE started_at >= $1 AND started_at < $2 AND ($3::text IS NULL OR provider = $3)`,
        [q.from, q.to, q.provider ?? null],
      );
      const p = (rows[0] as { p: number[] }).p.map((v) => Math.round(v * 1000) / 1000);
      expect(exact.totals.latencyMs).toEqual({ p50: p[0], p90: p[1], p95: p[2], p99: p[3] });
    }
  });
});

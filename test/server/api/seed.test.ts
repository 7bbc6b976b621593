import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seed } from "../../../scripts/seed.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let db: TestDatabase;
const END = Date.parse("2026-11-20T00:00:00Z");

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe("npm run seed", () => {
  it("writes realistic priced traffic through insertCalls, rollups included", async () => {
    const result = await seed({ databaseUrl: db.url, calls: 5_000, days: 3, batch: 1_000, workers: 2, seed: 3, endMs: END });
    expect(result.inserted).toBe(5_000);
    expect(result.rollupRows).toBeGreaterThan(0);
    const { rows } = await db.pool
      .query(`SELECT count(*)::int AS calls, count(DISTINCT provider)::int AS providers, count(DISTINCT app)::int AS apps,
        count(DISTINCT outcome)::int AS outcomes, count(*) FILTER (WHERE priced)::int AS priced,
        count(*) FILTER (WHERE NOT priced AND usage_source <> 'none')::int AS unpriced, count(*) FILTER (WHERE stream AND ttft_ms IS NOT NULL)::int AS streamed,
        min(started_at) AS first, max(started_at) AS last,
        (SELECT sum(calls)::int FROM call_rollups_hourly) AS rolled, (SELECT sum(cost_usd)::text FROM call_rollups_hourly) AS rolled_cost,
        sum(cost_usd)::text AS cost FROM calls`);
    const r = rows[0];
    expect(r.calls).toBe(5_000);
    expect(r.rolled).toBe(5_000);
    expect(r.rolled_cost).toBe(r.cost);
    expect(r.providers).toBe(4);
    expect(r.apps).toBe(6);
    expect(r.outcomes).toBeGreaterThanOrEqual(6);
    expect(r.priced / r.calls).toBeGreaterThan(0.85);
    expect(r.unpriced).toBeGreaterThan(0);
    expect(r.streamed).toBeGreaterThan(1_000);
    expect(new Date(r.first).getTime()).toBeGreaterThanOrEqual(END - 3 * 86_400_000);
    expect(new Date(r.last).getTime()).toBeLessThan(END);
    // Costs come from the real price table: a gpt-4o-mini call costs 0.15/0.075/0.60 USD per 1M tokens.
    const { rows: mini } = await db.pool.query(`SELECT input_tokens, cached_input_tokens, output_tokens, cost_usd::text AS cost
        FROM calls WHERE model = 'gpt-4o-mini' AND usage_source = 'reported' AND cache_write_tokens = 0 LIMIT 1`);
    const m = mini[0];
    const expected = ((m.input_tokens - m.cached_input_tokens) * 0.15 + m.cached_input_tokens * 0.075 + m.output_tokens * 0.6) / 1e6;
    expect(Number(m.cost)).toBeCloseTo(expected, 12);
  });
});

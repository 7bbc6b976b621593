import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sumDecimalStrings } from "../../../server/src/lib/decimal.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import { monthStatement } from "../../../server/src/reports/statement.ts";
import { callRecord } from "../../support/call-record.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

// The statement's lines are grouped by provider and model (several price rows per line) and its totals are
// added up in Node: every figure must equal one SQL statement over the month's calls, to the last digit.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  const kinds = [
    { provider: "openai", model: "gpt-4o-mini", priceId: "p-mini-1" },
    { provider: "openai", model: "gpt-4o-mini", priceId: "p-mini-2" },
    { provider: "openai", model: "gpt-4o", priceId: "p-4o" },
    { provider: "anthropic", model: "claude-sonnet-4", priceId: "p-sonnet" },
    { provider: "anthropic", model: "claude-sonnet-4", priceId: null, priced: false, costUsd: null },
    { provider: "google", model: null, priceId: null, priced: false, usageSource: "none" as const, costUsd: null },
  ];
  const records = [];
  for (let i = 0; i < 60; i++) {
    const k = kinds[i % kinds.length]!;
    const day = 1 + (i % 30);
    records.push(
      callRecord({
        id: randomUUID(),
        app: i % 4 === 0 ? "search" : "checkout",
        startedAt: new Date(Date.UTC(2026, 10, day, i % 24, 7)),
        inputTokens: 1000 + i * 37,
        cachedInputTokens: i * 3,
        cacheWriteTokens: i,
        cacheWrite1hTokens: i % 5,
        outputTokens: 200 + i,
        reasoningTokens: i % 7,
        costUsd: `0.${String(1234567891 * (i + 1))
          .padStart(12, "0")
          .slice(0, 12)}`,
        ...k,
      }),
    );
  }
  // outside the month: must not count
  records.push(callRecord({ id: randomUUID(), startedAt: new Date("2026-10-31T23:59:59.999Z"), costUsd: "5" }));
  records.push(callRecord({ id: randomUUID(), startedAt: new Date("2026-12-01T00:00:00Z"), costUsd: "7" }));
  await insertCalls(db.pool, records);
});
afterAll(async () => {
  await db?.drop();
});

const FIGURES = `count(*)::int AS calls, count(*) FILTER (WHERE NOT priced AND usage_source <> 'none')::int AS "unpricedCalls",
  coalesce(sum(input_tokens), 0)::int AS "inputTokens", coalesce(sum(cached_input_tokens), 0)::int AS "cachedInputTokens",
  coalesce(sum(cache_write_tokens), 0)::int AS "cacheWriteTokens", coalesce(sum(cache_write_1h_tokens), 0)::int AS "cacheWrite1hTokens",
  coalesce(sum(output_tokens), 0)::int AS "outputTokens", coalesce(sum(reasoning_tokens), 0)::int AS "reasoningTokens",
  coalesce(sum(cost_usd), 0)::text AS "costUsd"`;
const MONTH = `started_at >= '2026-11-01T00:00:00Z' AND started_at < '2026-12-01T00:00:00Z'`;

describe("monthly statement totals", () => {
  for (const [label, scope, where] of [
    ["whole month", {}, ""],
    ["one app", { app: "search" }, " AND app = 'search'"],
  ] as const) {
    it(`${label}: totals and every line equal SQL over the month's calls`, async () => {
      const s = await monthStatement(db.prisma, "2026-11", scope);
      const total = (await db.pool.query(`SELECT ${FIGURES} FROM calls WHERE ${MONTH}${where}`)).rows[0];
      expect(s.totals).toEqual({ ...total, costUsd: sumDecimalStrings([total.costUsd]) });
      expect(s.totals.calls).toBeGreaterThan(0);
      const { rows } = await db.pool.query(
        `SELECT provider, coalesce(model, '(none)') AS model, ${FIGURES},
                coalesce(array_agg(DISTINCT price_id ORDER BY price_id) FILTER (WHERE price_id IS NOT NULL), '{}') AS "priceIds"
           FROM calls WHERE ${MONTH}${where} GROUP BY 1, 2 ORDER BY coalesce(sum(cost_usd), 0) DESC, 1, 2`,
      );
      expect(s.lines).toEqual(rows.map((r) => ({ ...r, costUsd: sumDecimalStrings([r.costUsd]) })));
      expect(sumDecimalStrings(s.lines.map((l) => l.costUsd))).toBe(s.totals.costUsd);
      expect(s.lines.reduce((n, l) => n + l.calls, 0)).toBe(s.totals.calls);
    });
  }

  it("a month without calls has zero totals and no lines", async () => {
    const s = await monthStatement(db.prisma, "2026-08", {});
    expect(s.lines).toEqual([]);
    expect(s.totals).toMatchObject({ calls: 0, costUsd: "0", inputTokens: 0 });
  });
});

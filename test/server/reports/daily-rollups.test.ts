/* eslint-disable @typescript-eslint/no-explicit-any -- rows and report bodies are compared whole */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../server/src/cli/run.ts";
import { canonicalDecimal } from "../../../server/src/lib/decimal.ts";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import { tollgateLineItems } from "../../../server/src/reports/reconciliation-line-items-sql.ts";
import { tollgateByKey, tollgateByModel } from "../../../server/src/reports/reconciliation-sql.ts";
import { spendReport } from "../../../server/src/reports/spend.ts";
import { keepTop } from "../../../server/src/reports/top-groups.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { syntheticCalls } from "../api/fixtures.ts";

// Four and a half days of synthetic traffic with users, two properties (team on most calls, the seed's
// feature on some), virtual keys, batch-tier calls, web-search fees and audio tokens: every column the
// daily rollups per user, per property and for the reconciliation fold.
const DAY = 86_400_000;
const START = Date.parse("2026-10-05T00:00:00Z");
const TEAMS = ["research", "growth", "support", null] as const;
const CALLS: CallRecord[] = syntheticCalls(3_000, START, START + 4.5 * DAY, 11).map((c, i) => {
  const team = TEAMS[i % 4];
  return {
    ...c,
    properties: team ? { team, ...(c.properties ?? {}) } : c.properties,
    keyId: i % 3 === 0 ? "0193a000-0000-7000-8000-000000000001" : null,
    serviceTier: i % 7 === 0 ? "batch" : null,
    fees:
      i % 11 === 0
        ? [
            { kind: "web_search", count: 1 + (i % 3), usd: "0.01" },
            { kind: "web_search", count: null, usd: null },
          ]
        : null,
    audioInputTokens: i % 13 === 0 ? 40 + i : 0,
    audioOutputTokens: i % 17 === 0 ? 9 + i : 0,
  };
});

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  // Batches of 500, as the recorder writes them: the rollups add up across batches.
  for (let i = 0; i < CALLS.length; i += 500) await insertCalls(db.pool, CALLS.slice(i, i + 500));
});
afterAll(async () => {
  await db?.drop();
});

// Partial days at both edges: raw calls for them, the daily rollups for the three whole days between.
const FROM = new Date(START + 7 * 3_600_000).toISOString();
const TO = new Date(START + 4 * DAY + 5 * 3_600_000).toISOString();

const QUERIES: Array<Record<string, string>> = [
  { groupBy: "user" },
  { groupBy: "user", compare: "previous" },
  { groupBy: "user,app" },
  { groupBy: "app,user", app: "support-bot" },
  { groupBy: "app", user: "user-00003" },
  { groupBy: "user", interval: "month" },
  { groupBy: "user", top: "5" },
  { groupBy: "property:team" },
  { groupBy: "property:team", interval: "month", compare: "previous" },
  { groupBy: "property:team,model" },
  { groupBy: "model,property:team,provider", outcome: "ok" },
  { groupBy: "property:team", "property.team": "growth" },
  { groupBy: "model", "property.team": "research" },
  { groupBy: "app", "property.feature": "chat", provider: "openai" },
  { groupBy: "property:feature,app", outcome: "failed" },
];

describe("spend by user and by property from the daily rollups", () => {
  it.each(QUERIES)("equals the raw calls' figures: %j", async (params) => {
    const q = { from: FROM, to: TO, ...params };
    const fromRollups = await spendReport(db.prisma, q);
    const fromCalls = await spendReport(db.prisma, q, { source: "raw" });
    expect(fromRollups.totals.calls).toBeGreaterThan(0);
    expect(fromRollups).toEqual(fromCalls);
  });

  it.each([
    { groupBy: "user", top: 5, compare: "previous" },
    { groupBy: "user,app", top: 7, topBy: "calls" as const },
    { groupBy: "model", top: 2, topBy: "tokens" as const, compare: "previous" },
    { groupBy: "property:team", top: 2 },
    { groupBy: "property:team", "property.team": "growth", top: 1 },
    { groupBy: "user", top: 1000 },
  ])("with top N, reads only the kept groups' series, and answers what folding every group gives: %j", async (params) => {
    const { top, topBy = "cost" as const, ...rest } = params;
    const q = { from: FROM, to: TO, ...rest };
    const folded = keepTop(await spendReport(db.prisma, q), { top, topBy });
    const direct = await spendReport(db.prisma, { ...q, top: String(top), topBy });
    expect(direct).toEqual(folded);
    expect(direct.series.length).toBeGreaterThan(0);
  });

  it("counts the calls without the property as (none), down to the last digit of cost", async () => {
    const r = await spendReport(db.prisma, { from: FROM, to: TO, groupBy: "property:team" });
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS calls, coalesce(sum(cost_usd), 0)::text AS cost FROM calls
        WHERE started_at >= $1 AND started_at < $2 AND properties->>'team' IS NULL`,
      [FROM, TO],
    );
    const none = r.groups.find((g) => g.key === "(none)");
    expect(none?.calls).toBe(rows[0].calls);
    expect(Number(none?.costUsd)).toBe(Number(rows[0].cost));
  });
});

/** The reconciliation's Tollgate side as it was read from the calls before call_reconcile_daily. */
async function fromCalls(key: string, range: { from: Date; to: Date }): Promise<any[]> {
  const { rows } = await db.pool.query(
    `SELECT date_trunc('day', started_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, provider, ${key} AS key,
            count(*) FILTER (WHERE outcome = 'ok')::text AS requests,
            sum(input_tokens)::text AS "inputTokens", sum(cached_input_tokens)::text AS "cachedInputTokens",
            sum(cache_write_tokens)::text AS "cacheWriteTokens", sum(cache_write_1h_tokens)::text AS "cacheWrite1hTokens",
            sum(output_tokens)::text AS "outputTokens", coalesce(sum(cost_usd), 0)::text AS "costUsd",
            count(*) FILTER (WHERE NOT priced AND usage_source <> 'none')::text AS "unpricedCalls", max(started_at) AS "lastCall"
       FROM calls WHERE started_at >= $1 AND started_at < $2 AND provider IN ('openai', 'anthropic') GROUP BY 1, 2, 3`,
    [range.from, range.to],
  );
  return rows;
}

async function lineItemsFromCalls(key: string, range: { from: Date; to: Date }): Promise<any[]> {
  const { rows } = await db.pool.query(
    `SELECT date_trunc('day', started_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, provider, ${key} AS key,
            coalesce(sum((SELECT sum((f->>'count')::bigint) FROM jsonb_array_elements(fees) f
                           WHERE f->>'kind' = 'web_search' AND jsonb_typeof(f->'count') = 'number')), 0)::text AS "webSearchRequests",
            sum(audio_input_tokens)::text AS "audioInputTokens", sum(audio_output_tokens)::text AS "audioOutputTokens",
            coalesce(sum(input_tokens) FILTER (WHERE service_tier = 'batch'), 0)::text AS "batchInputTokens",
            coalesce(sum(output_tokens) FILTER (WHERE service_tier = 'batch'), 0)::text AS "batchOutputTokens"
       FROM calls WHERE started_at >= $1 AND started_at < $2 AND provider IN ('openai', 'anthropic') GROUP BY 1, 2, 3`,
    [range.from, range.to],
  );
  return rows;
}

// Sorted, costs in canonical form (a sum of no costs is "0" from the calls, "0.0000000000000000" from the rollup).
const byDayProviderKey = (rows: any[]) =>
  rows
    .map((r) => (r.costUsd === undefined ? r : { ...r, costUsd: canonicalDecimal(r.costUsd) }))
    .sort((a, b) => a.day - b.day || a.provider.localeCompare(b.provider) || a.key.localeCompare(b.key));

describe("the reconciliation's Tollgate side from call_reconcile_daily", () => {
  const range = { from: new Date(START), to: new Date(START + 5 * DAY) };

  it("equals the calls' figures per day × provider × model and per key", async () => {
    const byModel = byDayProviderKey(await tollgateByModel(db.prisma, range));
    expect(byModel.length).toBeGreaterThan(10);
    expect(byModel).toEqual(byDayProviderKey(await fromCalls("coalesce(response_model, model, '')", range)));
    expect(byDayProviderKey(await tollgateByKey(db.prisma, range))).toEqual(
      byDayProviderKey(await fromCalls("CASE WHEN key_id IS NULL THEN 'pass-through' ELSE '' END", range)),
    );
    // one provider and one day
    const day = { from: new Date(START + DAY), to: new Date(START + 2 * DAY), provider: "anthropic" };
    const { rows } = await db.pool.query(
      `SELECT count(*) FILTER (WHERE outcome = 'ok')::text AS requests FROM calls WHERE provider = 'anthropic' AND started_at >= $1 AND started_at < $2`,
      [day.from, day.to],
    );
    const one = await tollgateByModel(db.prisma, day);
    expect(new Set(one.map((r) => r.provider))).toEqual(new Set(["anthropic"]));
    expect(one.reduce((s, r) => s + Number(r.requests), 0)).toBe(Number(rows[0].requests));
  });

  it("equals the calls' line items (web searches, audio, batch tokens)", async () => {
    const items = byDayProviderKey(await tollgateLineItems(db.prisma, range, true));
    expect(items.some((r) => Number(r.webSearchRequests) > 0 && Number(r.audioInputTokens) > 0 && Number(r.batchInputTokens) > 0)).toBe(
      true,
    );
    expect(items).toEqual(byDayProviderKey(await lineItemsFromCalls("coalesce(response_model, model, '')", range)));
    expect(byDayProviderKey(await tollgateLineItems(db.prisma, range, false))).toEqual(
      byDayProviderKey(await lineItemsFromCalls("''", range)),
    );
  });
});

// each table with its key
const TABLES: Record<string, string> = {
  call_user_rollups_daily: `day, app, "user"`,
  call_property_rollups_daily: "day, property_key, provider, app, model, outcome",
  call_reconcile_daily: "day, provider, model, held",
};

async function snapshot(): Promise<Record<string, any[]>> {
  const out: Record<string, any[]> = {};
  for (const [t, key] of Object.entries(TABLES)) out[t] = (await db.pool.query(`SELECT * FROM ${t} ORDER BY ${key}`)).rows;
  return out;
}

describe("rollups rebuild", () => {
  it("refills the daily rollups from the calls exactly as the batch writer filled them", async () => {
    const written = await snapshot();
    expect(written.call_user_rollups_daily?.length).toBeGreaterThan(100);
    for (const t of Object.keys(TABLES)) await db.pool.query(`DELETE FROM ${t}`);
    const out: string[] = [];
    const code = await runCli(["rollups", "rebuild"], { DATABASE_URL: db.url, TOLLGATE_LOG_LEVEL: "silent" }, (line) => out.push(line));
    expect(code).toBe(0);
    expect(JSON.parse(out.join("\n"))).toMatchObject({ days: expect.any(Number) });
    expect(await snapshot()).toEqual(written);
  });
});

describe("after the calls of whole days are gone (retention dropped their partition)", () => {
  it("spend by user and by property still counts them, from the daily rollups", async () => {
    const q = { from: FROM, to: TO, groupBy: "user,app" };
    const before = await spendReport(db.prisma, q);
    const team = await spendReport(db.prisma, { from: FROM, to: TO, groupBy: "property:team" });
    await db.pool.query("DELETE FROM calls WHERE started_at >= $1 AND started_at < $2", [new Date(START + DAY), new Date(START + 4 * DAY)]);
    expect(await spendReport(db.prisma, q)).toEqual(before);
    expect(await spendReport(db.prisma, { from: FROM, to: TO, groupBy: "property:team" })).toEqual(team);
    // the raw calls no longer hold those days
    expect((await spendReport(db.prisma, q, { source: "raw" })).totals.calls).toBeLessThan(before.totals.calls);
  });
});

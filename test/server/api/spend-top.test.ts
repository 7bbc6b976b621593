/* eslint-disable @typescript-eslint/no-explicit-any -- answers are JSON checked field by field */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sumDecimalStrings } from "../../../server/src/lib/decimal.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";
import { call } from "./fixtures.ts";

// 40 users over two hours, costs with 16 decimals so any float on the way would show
const CALLS: CallRecord[] = [];
for (let u = 0; u < 40; u++) {
  for (let i = 0; i <= u % 3; i++) {
    const minute = String((u * 7 + i * 13) % 60).padStart(2, "0");
    CALLS.push(
      call({
        at: `2026-11-10T1${(u + i) % 2}:${minute}:00Z`,
        user: `user-${String(u).padStart(2, "0")}`,
        costUsd: `0.${String(u * 1013 + i * 7 + 1).padStart(16, "0")}`,
        inputTokens: 10 + u,
        outputTokens: u,
      }),
    );
  }
}
const RANGE = "from=2026-11-10T10:00:00Z&to=2026-11-10T12:00:00Z";
let tg: TestTollgate;

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${tg.url}${path}`);
  return { status: res.status, body: await res.json() };
}
async function sql<T>(text: string): Promise<T[]> {
  return (await tg.tollgate.db.pool.query(text)).rows as T[];
}
const WHERE = `started_at >= '2026-11-10T10:00:00Z' AND started_at < '2026-11-10T12:00:00Z'`;

beforeAll(async () => {
  tg = await startTestTollgate();
  expect(await insertCalls(tg.tollgate.db.pool, CALLS)).toBe(CALLS.length);
});
afterAll(async () => {
  await tg?.close();
});

describe("GET /api/spend with top N and other", () => {
  it("keeps the top N users by cost and folds the rest into (other), exactly", async () => {
    const { status, body } = await get(`/api/spend?${RANGE}&groupBy=user&interval=hour&top=5`);
    expect(status).toBe(200);
    expect(body.top).toEqual({ n: 5, by: "cost", otherGroups: 35 });
    const top = await sql<{ user: string }>(`SELECT "user" FROM calls WHERE ${WHERE} GROUP BY 1 ORDER BY sum(cost_usd) DESC, 1 LIMIT 5`);
    expect(body.groups.map((g: any) => g.key)).toEqual([...top.map((r) => r.user), "(other)"]);
    const [totals] = await sql<{ cost: string; calls: number; input: number }>(
      `SELECT sum(cost_usd)::text AS cost, count(*)::int AS calls, sum(input_tokens)::int AS input FROM calls WHERE ${WHERE}`,
    );
    expect(sumDecimalStrings(body.groups.map((g: any) => g.costUsd))).toBe(body.totals.costUsd);
    expect(body.totals.costUsd).toBe(sumDecimalStrings([totals!.cost]));
    expect(body.groups.reduce((s: number, g: any) => s + g.calls, 0)).toBe(totals!.calls);
    expect(body.groups.reduce((s: number, g: any) => s + g.inputTokens, 0)).toBe(totals!.input);
    const [rest] = await sql<{ cost: string }>(
      `SELECT sum(cost_usd)::text AS cost FROM calls WHERE ${WHERE} AND "user" NOT IN (${top.map((r) => `'${r.user}'`).join(",")})`,
    );
    expect(body.groups.at(-1).costUsd).toBe(sumDecimalStrings([rest!.cost]));
    expect(body.groups.at(-1).keys).toEqual({ user: "(other)" });
  });

  it("folds the series per bucket: each bucket still adds up to the SQL over its calls", async () => {
    const { body } = await get(`/api/spend?${RANGE}&groupBy=user&interval=hour&top=3`);
    expect(new Set(body.series.map((s: any) => s.group)).size).toBeLessThanOrEqual(4);
    const perHour = await sql<{ hour: Date; cost: string; calls: number }>(
      `SELECT date_trunc('hour', started_at) AS hour, sum(cost_usd)::text AS cost, count(*)::int AS calls FROM calls WHERE ${WHERE} GROUP BY 1 ORDER BY 1`,
    );
    for (const h of perHour) {
      const rows = body.series.filter((s: any) => s.bucket === h.hour.toISOString());
      expect(sumDecimalStrings(rows.map((s: any) => s.costUsd))).toBe(sumDecimalStrings([h.cost]));
      expect(rows.reduce((s: number, r: any) => s + r.calls, 0)).toBe(h.calls);
      expect(rows.filter((r: any) => r.group === "(other)")).toHaveLength(1);
    }
  });

  it("ranks by calls or tokens when asked, and leaves small groupings whole", async () => {
    const byCalls = (await get(`/api/spend?${RANGE}&groupBy=user&top=2&topBy=calls`)).body;
    expect(byCalls.groups.slice(0, 2).map((g: any) => g.calls)).toEqual([3, 3]);
    expect(byCalls.top.by).toBe("calls");
    const byProvider = (await get(`/api/spend?${RANGE}&groupBy=provider`)).body;
    expect(byProvider.top).toBeUndefined(); // without `top`, every group (as chargeback exports need)
    expect(byProvider.groups.map((g: any) => g.key)).toEqual(["openai"]);
  });

  it("carries the previous period's figures into (other)", async () => {
    const { body } = await get(`/api/spend?from=2026-11-10T11:00:00Z&to=2026-11-10T12:00:00Z&groupBy=user&top=4&compare=previous`);
    expect(sumDecimalStrings(body.groups.map((g: any) => g.previous.costUsd))).toBe(body.totals.previous.costUsd);
    expect(body.groups.reduce((s: number, g: any) => s + g.previous.calls, 0)).toBe(body.totals.previous.calls);
  });

  it("answers 400 for a top out of bounds or an unknown metric", async () => {
    for (const [q, name] of [
      ["top=0", "top"],
      ["top=1001", "top"],
      ["topBy=latency", "topBy"],
    ]) {
      const { status, body } = await get(`/api/spend?${RANGE}&groupBy=user&${q}`);
      expect(status, q).toBe(400);
      expect(body.error.message, q).toMatch(new RegExp(`^${name}:`));
    }
  });
});

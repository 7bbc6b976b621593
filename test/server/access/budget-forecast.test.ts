import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { periodOf } from "../../../server/src/domain/budget-period.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import { compare, parseDecimal } from "../../../server/src/lib/decimal.ts";
import { forecastPeriod } from "../../../server/src/reports/forecast.ts";
import { trailingWindow } from "../../../server/src/reports/forecast-source.ts";
import { callRecord } from "../../support/call-record.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { startReplica, type Replica } from "./harness.ts";

let db: TestDatabase;
let a: Replica;
const HOUR = 3_600_000;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await startReplica(db, { TOLLGATE_ACCESS_REFRESH_MS: "60000" });
});
afterAll(async () => {
  await a?.close();
  await db?.drop();
});

/** $1 at the start of each of the 10 × 24 hours before now's hour: the trailing window holds exactly $168. */
async function seed(app: string, startMs: number): Promise<void> {
  const hour = Math.floor(startMs / HOUR) * HOUR;
  await insertCalls(
    db.pool,
    Array.from({ length: 240 }, (_, i) => callRecord({ id: randomUUID(), app, startedAt: new Date(hour - (i + 1) * HOUR), costUsd: "1" })),
  );
}

/** The forecast is decreasing in `now`: the server's lies between the projections at the request's start and end. */
function between(actual: string, spent: string, end: Date, t0: number, t1: number, limitUsd?: string) {
  const at = (t: number) =>
    forecastPeriod({
      spentUsd: spent,
      trailingUsd: "168",
      windowMs: trailingWindow(t).windowMs,
      nowMs: t,
      periodEndMs: end.getTime(),
      limitUsd,
    });
  const [high, low] = [at(t0), at(t1)];
  expect(compare(parseDecimal(actual), parseDecimal(high.forecastUsd))).toBeLessThanOrEqual(0);
  expect(compare(parseDecimal(actual), parseDecimal(low.forecastUsd))).toBeGreaterThanOrEqual(0);
  return { high, low };
}

async function sqlSpent(app: string, from: Date): Promise<string> {
  const { rows } = await db.pool.query<{ c: string }>(
    "SELECT coalesce(sum(cost_usd), 0)::int::text AS c FROM calls WHERE app = $1 AND started_at >= $2",
    [app, from],
  );
  return rows[0]!.c;
}

describe("budget forecasts", () => {
  it("GET /api/budgets projects the period's end from the trailing 7 days, and says when the limit is passed", async () => {
    const t0 = Date.now();
    if (trailingWindow(t0).from.getTime() !== trailingWindow(t0 + 30_000).from.getTime()) await new Promise((r) => setTimeout(r, 31_000)); // not across an hour
    const start = Date.now();
    await seed("fc-bot", start);
    const week = periodOf("week", start);
    const put = await a.admin("/api/budgets/fc-bot", {
      method: "PUT",
      body: JSON.stringify({ limitUsd: "1", period: "week", action: "alert" }),
    });
    expect(put.status).toBe(200);
    const body = (await (await a.admin("/api/budgets")).json()) as { budgets: Array<Record<string, unknown>> };
    const t1 = Date.now();
    const b = body.budgets.find((x) => x.id === "app:fc-bot")!;
    const spent = await sqlSpent("fc-bot", week.start);
    expect(b.spentUsd).toBe(spent);
    const { high, low } = between(b.forecastUsd as string, spent, week.end, start, t1, "1");
    expect(b.runRateUsdPerDay).toMatch(/^2[34]\./); // $168 over a little more than 7 days
    expect(b.forecastExceedsOn).not.toBeNull();
    expect([high.exceedsOn, low.exceedsOn]).toContain(b.forecastExceedsOn);
    expect(Number(b.forecastExceedsByUsd)).toBeCloseTo(Number(b.forecastUsd) - 1, 9);

    // A generous limit: on track.
    await a.admin("/api/budgets/fc-bot", { method: "PUT", body: JSON.stringify({ limitUsd: "100000", action: "alert" }) });
    const calm = ((await (await a.admin("/api/budgets")).json()) as { budgets: Array<Record<string, unknown>> }).budgets.find(
      (x) => x.id === "app:fc-bot",
    )!;
    expect(calm).toMatchObject({ forecastExceedsOn: null, forecastExceedsByUsd: null });

    // The gauge, with the other budget gauges' labels.
    await a.tollgate.access.budgets.refresh();
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    const line = metrics.split("\n").find((l) => l.startsWith('tollgate_budget_forecast_usd{budget="app:fc-bot",app="fc-bot"} '));
    expect(line).toBeDefined();
    expect(Number(line!.split(" ")[1])).toBeGreaterThan(Number(spent));
  });

  it("GET /api/forecast?groupBy=app projects each app's month", async () => {
    const start = Date.now();
    if (trailingWindow(start).from.getTime() !== trailingWindow(start + 30_000).from.getTime())
      await new Promise((r) => setTimeout(r, 31_000));
    const t0 = Date.now();
    await seed("fc-spend", t0);
    const res = await a.admin("/api/forecast?groupBy=app");
    const t1 = Date.now();
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      period: string;
      periodEnd: string;
      method: string;
      groups: Array<{ key: string; spentUsd: string; trailingUsd: string; forecastUsd: string }>;
    };
    const month = periodOf("month", t0);
    expect(body).toMatchObject({ period: "month", periodEnd: month.end.toISOString() });
    expect(body.method).toContain("trailing");
    const g = body.groups.find((x) => x.key === "fc-spend")!;
    expect(g).toMatchObject({ spentUsd: await sqlSpent("fc-spend", month.start), trailingUsd: "168" });
    between(g.forecastUsd, g.spentUsd, month.end, t0, t1);
    expect((await a.admin("/api/forecast?groupBy=user")).status).toBe(400);
  });
});

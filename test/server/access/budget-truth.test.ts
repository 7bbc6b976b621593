import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { periodOf, type BudgetPeriod } from "../../../server/src/domain/budget-period.ts";
import { runCli } from "../../../server/src/cli/run.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { callRecord } from "../../support/call-record.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { createKey, startReplica, type Replica } from "./harness.ts";

// A budget's period-to-date spend is the Spend report's figure for the same app (or key) and period —
// whenever the budget was made, and after `prices recompute`.
let db: TestDatabase;
let a: Replica;
let b: Replica;
const HOUR = 3_600_000;

beforeAll(async () => {
  db = await createTestDatabase();
  const env = { TOLLGATE_ACCESS_REFRESH_MS: "60000" };
  a = await startReplica(db, env);
  b = await startReplica(db, env);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await db?.drop();
});

/** Instants inside the current `period` before now (and one just before it), clamped to the period's start. */
function timesIn(period: BudgetPeriod, now: number): { inside: Date[]; before: Date } {
  const span = periodOf(period, now);
  const clamp = (ms: number) => new Date(Math.max(span.start.getTime(), ms));
  return {
    inside: [clamp(now - 60_000), clamp(now - 26 * HOUR), clamp(now - 5 * 24 * HOUR), span.start],
    before: new Date(span.start.getTime() - HOUR),
  };
}

/** Calls of `app` with tokens and an arbitrary recorded cost (a recompute re-prices them from their tokens). */
function calls(app: string, at: Date[], extra: Partial<CallRecord> = {}): CallRecord[] {
  return at.map((startedAt, i) =>
    callRecord({ id: randomUUID(), app, startedAt, inputTokens: 10_000 * (i + 1), outputTokens: 2_000, costUsd: `1.${i}5`, ...extra }),
  );
}

async function spendFor(app: string, from: Date, to: Date): Promise<{ costUsd: string; unpricedCalls: number }> {
  const res = await a.admin(`/api/spend?groupBy=app&app=${encodeURIComponent(app)}&from=${from.toISOString()}&to=${to.toISOString()}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { groups: Array<{ key: string; costUsd: string; unpricedCalls: number }> };
  const group = body.groups.find((g) => g.key === app);
  return { costUsd: group?.costUsd ?? "0", unpricedCalls: group?.unpricedCalls ?? 0 };
}

async function sqlSpend(where: string, params: unknown[]): Promise<string> {
  const { rows } = await db.pool.query<{ cost: string }>(
    `SELECT coalesce(sum(cost_usd), 0)::numeric::text AS cost FROM calls WHERE ${where}`,
    params,
  );
  return String(Number(rows[0]!.cost));
}

interface BudgetJson {
  id: string;
  spentUsd: string;
  unpricedCalls: number;
  period: string;
  periodKey: string;
  periodStart: string;
  periodEnd: string;
  limitUsd: string;
  monthlyUsd: string;
}

async function budget(replica: Replica, id: string): Promise<BudgetJson> {
  const body = (await (await replica.admin("/api/budgets")).json()) as { budgets: BudgetJson[] };
  const found = body.budgets.find((x) => x.id === id);
  if (!found) throw new Error(`no budget ${id}`);
  return found;
}

async function put(app: string, body: Record<string, unknown>): Promise<BudgetJson> {
  const res = await a.admin(`/api/budgets/${encodeURIComponent(app)}`, { method: "PUT", body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as BudgetJson;
}

describe("budgets tell the truth", () => {
  it("a budget created after calls in its month counts them, as the Spend report does", async () => {
    const now = Date.now();
    const { inside, before } = timesIn("month", now);
    await insertCalls(db.pool, [...calls("support-bot", inside), ...calls("support-bot", [before]), ...calls("other-bot", inside)]);
    await insertCalls(db.pool, calls("support-bot", [inside[0]!], { costUsd: null, priced: false, priceId: null })); // unpriced

    const created = await put("support-bot", { limitUsd: "50", action: "block" });
    const span = periodOf("month", now);
    const report = await spendFor("support-bot", span.start, new Date(now + HOUR));
    expect(report.costUsd).not.toBe("0");
    expect(created).toMatchObject({
      id: "app:support-bot",
      period: "month",
      periodKey: span.key,
      limitUsd: "50",
      monthlyUsd: "50",
      spentUsd: report.costUsd,
    });
    expect(created.periodStart).toBe(span.start.toISOString());
    expect(created.spentUsd).toBe(await sqlSpend("app = $1 AND started_at >= $2", ["support-bot", span.start]));
    expect(created.unpricedCalls).toBe(1);
    expect(report.unpricedCalls).toBe(1);

    // Calls recorded afterwards add to it (the batch insert settles them), on either replica's writer.
    await insertCalls(db.pool, calls("support-bot", [new Date(now - 1000)]));
    const after = await spendFor("support-bot", span.start, new Date(now + HOUR));
    expect((await budget(b, "app:support-bot")).spentUsd).toBe(after.costUsd);
  });

  it("weekly and daily budgets count their own period (ISO week from Monday, UTC day)", async () => {
    const now = Date.now();
    for (const period of ["week", "day"] as const) {
      const app = `${period}-bot`;
      const { inside, before } = timesIn(period, now);
      await insertCalls(db.pool, [...calls(app, inside), ...calls(app, [before])]);
      const span = periodOf(period, now);
      const created = await put(app, { limitUsd: 5, period, action: "alert" });
      expect(created).toMatchObject({
        period,
        periodKey: span.key,
        periodStart: span.start.toISOString(),
        periodEnd: span.end.toISOString(),
      });
      expect(created.spentUsd).toBe((await spendFor(app, span.start, new Date(now + HOUR))).costUsd);
      expect(created.spentUsd).toBe(await sqlSpend("app = $1 AND started_at >= $2", [app, span.start]));
    }
    // Changing the period recounts: the week-bot budget as a monthly one.
    const month = periodOf("month", now);
    const monthly = await put("week-bot", { limitUsd: 5, period: "month", action: "alert" });
    expect(monthly.spentUsd).toBe(await sqlSpend("app = $1 AND started_at >= $2", ["week-bot", month.start]));
    // period omitted keeps the budget's
    expect(await put("week-bot", { monthlyUsd: 6, action: "alert" })).toMatchObject({ period: "month", limitUsd: "6" });
    const bad = await a.admin("/api/budgets/week-bot", {
      method: "PUT",
      body: JSON.stringify({ limitUsd: 1, period: "year", action: "alert" }),
    });
    expect(bad.status).toBe(400);
  });

  it("a per-key budget counts the key's calls of the period made before it", async () => {
    const key = await createKey(a, { app: "keyed-truth" });
    const now = Date.now();
    const { inside } = timesIn("month", now);
    await insertCalls(db.pool, [...calls("keyed-truth", inside, { keyId: key.id }), ...calls("keyed-truth", inside)]);
    const created = await put("keyed-truth", { limitUsd: 100, action: "block", keyId: key.id });
    const month = periodOf("month", now);
    const expected = await sqlSpend("key_id = $1 AND started_at >= $2", [key.id, month.start]);
    expect(expected).not.toBe("0");
    expect(created.spentUsd).toBe(expected);
  });

  it("recompute moves budget and report together", async () => {
    const now = Date.now();
    const span = periodOf("month", now);
    const before = await budget(a, "app:support-bot");
    const code = await runCli(
      ["prices", "recompute", "--from", span.start.toISOString(), "--to", new Date(now + HOUR).toISOString()],
      { DATABASE_URL: db.url },
      () => {},
    );
    expect(code).toBe(0);
    const report = await spendFor("support-bot", span.start, new Date(now + HOUR));
    const after = await budget(a, "app:support-bot");
    expect(after.spentUsd).not.toBe(before.spentUsd); // the recorded costs were arbitrary; the price table's are not
    expect(after.spentUsd).toBe(report.costUsd);
    expect(after.spentUsd).toBe(await sqlSpend("app = $1 AND started_at >= $2", ["support-bot", span.start]));
  });

  it("a period's first look sets its ledger from the calls", async () => {
    // As at a rollover: no ledger row yet for the current period.
    const expected = (await budget(a, "app:support-bot")).spentUsd;
    await db.pool.query(`DELETE FROM budget_spend WHERE budget_id = 'app:support-bot'`);
    expect((await budget(a, "app:support-bot")).spentUsd).toBe("0");
    await b.tollgate.access.budgets.refresh();
    expect((await budget(a, "app:support-bot")).spentUsd).toBe(expected);
  });

  it("calls recorded while a budget is being created are counted exactly once", async () => {
    const now = Date.now();
    const batches = Array.from({ length: 30 }, (_, i) => calls("racing-bot", [new Date(now - 1000 - i), new Date(now - 2000 - i)]));
    const writes = (async () => {
      for (const batch of batches) await insertCalls(db.pool, batch);
    })();
    await new Promise((r) => setTimeout(r, 5));
    await put("racing-bot", { limitUsd: 1000, action: "alert" });
    await writes;
    const month = periodOf("month", now);
    expect((await budget(a, "app:racing-bot")).spentUsd).toBe(await sqlSpend("app = $1 AND started_at >= $2", ["racing-bot", month.start]));
  });
});

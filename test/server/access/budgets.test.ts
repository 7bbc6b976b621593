import { randomUUID } from "node:crypto";
import OpenAI from "openai";
import { ensureLedger, monthOf, reserve } from "../../../server/src/access/budget-store.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { costFor } from "../../../server/src/pricing/cost.ts";
import { add, compare, multiplyByInteger, parseDecimal, subtract } from "../../../server/src/lib/decimal.ts";
import { usage } from "../../../server/src/domain/usage.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { createKey, recordedCalls, startReplica, type Replica } from "./harness.ts";

// Two replicas on ONE database: budgets must hold across them.
let db: TestDatabase;
let fake: FakeOpenAi;
let a: Replica;
let b: Replica;

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await startFakeOpenAi();
  const env = { TOLLGATE_UPSTREAM_OPENAI: fake.url, OPENAI_API_KEY: "sk-held-budget-tests-000000000", TOLLGATE_ACCESS_REFRESH_MS: "60000" };
  a = await startReplica(db, env);
  b = await startReplica(db, env);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await fake?.close();
  await db?.drop();
});

// The fake reports 1,200 input (400 cached) and 300 output tokens for every call: $0.00033 on gpt-4o-mini.
const ACTUAL = "0.00033";
// ~3.6 kB of prompt and max_tokens 300, so the reserved estimate (bytes/3 input tokens + 300 output) covers it.
const PROMPT = "lorem ipsum ".repeat(300);
const BODY = JSON.stringify({ model: "gpt-4o-mini", max_tokens: 300, messages: [{ role: "user", content: PROMPT }] });

function estimate(replica: Replica): string {
  const match = replica.tollgate.priceBook.priceFor("openai", "gpt-4o-mini", new Date(), null)!;
  return costFor(match.price, usage({ inputTokens: Math.ceil(Buffer.byteLength(BODY) / 3), outputTokens: 300 })).costUsd;
}

async function chat(replica: Replica, headers: Record<string, string>): Promise<{ status: number; body: string; callId: string | null }> {
  const res = await fetch(`${replica.url}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer sk-client-passthrough-1111111", "content-type": "application/json", ...headers },
    body: BODY,
  });
  return { status: res.status, body: await res.text(), callId: res.headers.get("x-tollgate-call-id") };
}

interface BudgetJson {
  id: string;
  app: string;
  keyId: string | null;
  monthlyUsd: string;
  action: string;
  month: string;
  spentUsd: string;
  reservedUsd: string;
  remainingUsd: string;
}

async function budgetOf(replica: Replica, id: string): Promise<BudgetJson> {
  const body = (await (await replica.admin("/api/budgets")).json()) as { month: string; budgets: BudgetJson[] };
  const found = body.budgets.find((x) => x.id === id);
  if (!found) throw new Error(`no budget ${id}`);
  return found;
}

/**
 * Waits until every reservation of the budget is settled: calls finish just after the client sees them end,
 * and their costs count once the recorder has written them.
 */
async function settled(replica: Replica, id: string): Promise<BudgetJson> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await Promise.all([a.tollgate.access.budgets.drain(), b.tollgate.access.budgets.drain()]);
    await Promise.all([a.tollgate.recorder.flush(), b.tollgate.recorder.flush()]);
    const state = await budgetOf(replica, id);
    if (state.reservedUsd === "0") return state;
    if (Date.now() > deadline) throw new Error(`budget ${id} still has ${state.reservedUsd} reserved`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function putBudget(replica: Replica, app: string, body: Record<string, unknown>): Promise<Response> {
  return replica.admin(`/api/budgets/${encodeURIComponent(app)}`, { method: "PUT", body: JSON.stringify(body) });
}

describe("budgets across two replicas sharing one database", () => {
  it("50 concurrent requests split over both replicas never push spend past the budget", async () => {
    const limit = "0.004";
    const put = await putBudget(a, "capped", { monthlyUsd: limit, action: "block" });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({
      id: "app:capped",
      app: "capped",
      keyId: null,
      monthlyUsd: "0.004",
      action: "block",
      spentUsd: "0",
      reservedUsd: "0",
      remainingUsd: "0.004",
    });
    await b.tollgate.access.budgets.refresh(); // b learns of the budget (its own refresh would in TOLLGATE_ACCESS_REFRESH_MS)

    const est = estimate(a);
    expect(compare(parseDecimal(est), parseDecimal(ACTUAL))).toBeGreaterThanOrEqual(0);
    const seenBefore = fake.seen.length;

    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => chat(i % 2 === 0 ? a : b, { "x-tollgate-app": "capped" })));
    const ok = results.filter((r) => r.status === 200);
    const blocked = results.filter((r) => r.status === 429);
    expect(ok.length + blocked.length).toBe(50);
    expect(ok.length).toBeGreaterThan(0);
    expect(blocked.length).toBeGreaterThan(0);
    // Blocked calls never reached the provider.
    expect(fake.seen.length - seenBefore).toBe(ok.length);
    for (const r of blocked) {
      const body = JSON.parse(r.body) as { error: { message: string; type: string; code: string } };
      expect(body.error.type).toBe("budget_blocked");
      expect(body.error.message).toContain('Tollgate budget "app:capped" reached');
      expect(body.error.message).toContain("$0.004");
    }

    let state = await settled(a, "app:capped");
    const spentAfterBurst = parseDecimal(state.spentUsd);
    expect(state.spentUsd).toBe(formatTimes(ACTUAL, ok.length));
    expect(compare(spentAfterBurst, add(parseDecimal(limit), parseDecimal(est)))).toBeLessThanOrEqual(0);
    expect(compare(spentAfterBurst, parseDecimal(limit))).toBeLessThanOrEqual(0);

    // Sequential calls fill the rest; the budget is used up to within one estimate, then every call is blocked.
    let more = 0;
    for (let i = 0; i < 20; i++) {
      const r = await chat(i % 2 === 0 ? b : a, { "x-tollgate-app": "capped" });
      if (r.status === 429) break;
      expect(r.status).toBe(200);
      more++;
      await settled(a, "app:capped");
    }
    state = await settled(b, "app:capped");
    const total = ok.length + more;
    expect(state.spentUsd).toBe(formatTimes(ACTUAL, total));
    expect(compare(parseDecimal(state.spentUsd), parseDecimal(limit))).toBeLessThanOrEqual(0);
    expect(compare(subtract(parseDecimal(limit), parseDecimal(state.spentUsd)), parseDecimal(est))).toBeLessThan(0);
    expect(state.remainingUsd).toBe(formatDecimalText(subtract(parseDecimal(limit), parseDecimal(state.spentUsd))));

    // Through the SDK: a 429 in OpenAI's shape (RateLimitError), naming the budget, and not retried
    // (x-should-retry: false) even with the SDK's default retries on.
    const client = new OpenAI({
      apiKey: "sk-client-passthrough-1111111",
      baseURL: `${b.url}/openai/v1`,
      maxRetries: 2,
      defaultHeaders: { "x-tollgate-app": "capped" },
    });
    const blockedCount = async () => {
      await new Promise((r) => setTimeout(r, 100)); // a call is recorded just after its client sees the end
      await b.tollgate.recorder.flush();
      return (await recordedCalls(a)).filter((c) => c.outcome === "budget_blocked").length;
    };
    const blockedBefore = await blockedCount();
    const err = await client.chat.completions
      .create({ model: "gpt-4o-mini", max_tokens: 300, messages: [{ role: "user", content: PROMPT }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as Error).message).toContain('budget "app:capped"');
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("x-should-retry")).toBe("false");
    expect(await blockedCount()).toBe(blockedBefore + 1);

    // Recorded: every blocked call as budget_blocked with 429, every passed one with its exact cost.
    // Both replicas write to the one calls table: flush both, read it once.
    await b.tollgate.recorder.flush();
    const calls = (await recordedCalls(a)).filter((c) => c.app === "capped");
    const blockedCalls = calls.filter((c) => c.outcome === "budget_blocked");
    const okCalls = calls.filter((c) => c.outcome === "ok");
    expect(okCalls.length).toBe(total);
    expect(blockedCalls.length).toBe(calls.length - total);
    expect(blockedCalls.length).toBeGreaterThanOrEqual(blocked.length + 1);
    for (const c of blockedCalls) expect(c).toMatchObject({ status: 429, errorType: "budget_blocked", costUsd: "0.0", priced: true });
    for (const c of okCalls) expect(c.costUsd).toBe(ACTUAL);
    // Every hold was settled: nothing is left for the sweeper.
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM budget_holds WHERE budget_id = 'app:capped'`)).rows[0].n).toBe(0);

    // The budget's state is in /metrics (as of the replica's last refresh).
    await a.tollgate.access.budgets.refresh();
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(metrics).toContain('tollgate_budget_limit_usd{budget="app:capped",app="capped"} 0.004');
    expect(metrics).toContain(`tollgate_budget_spent_usd{budget="app:capped",app="capped"} ${Number(state.spentUsd)}`);
  });

  it("an alert budget never blocks: it logs once when reached", async () => {
    expect((await putBudget(b, "watched", { monthlyUsd: "0.0005", action: "alert" })).status).toBe(200);
    await a.tollgate.access.budgets.refresh();
    for (let i = 0; i < 3; i++) expect((await chat(i % 2 ? a : b, { "x-tollgate-app": "watched" })).status).toBe(200);
    const state = await settled(a, "app:watched");
    expect(state).toMatchObject({ action: "alert", spentUsd: formatTimes(ACTUAL, 3), reservedUsd: "0" });
    // Both replicas look (on their refresh); only the first to record the threshold logs it.
    await Promise.all([a.tollgate.access.budgets.refresh(), b.tollgate.access.budgets.refresh()]);
    await a.tollgate.access.budgets.refresh();
    const lines = [...a.logs, ...b.logs].filter((l) => l.includes("budget reached (alert only"));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ budget: "app:watched", app: "watched", action: "alert", limitUsd: "0.0005000000" });
  });

  it("a per-key budget blocks that key only, and names the key", async () => {
    const capped = await createKey(a, { app: "keyed" });
    const other = await createKey(a, { app: "keyed" });
    const put = await putBudget(a, "keyed", { monthlyUsd: "0.0005", action: "block", keyId: capped.id });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ id: `key:${capped.id}`, keyId: capped.id, app: "keyed" });
    await b.tollgate.access.budgets.refresh();

    expect((await chat(b, { authorization: `Bearer ${capped.key}` })).status).toBe(200);
    await settled(a, `key:${capped.id}`);
    const blocked = await chat(a, { authorization: `Bearer ${capped.key}` });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toContain(`virtual key ${capped.id} of app \\"keyed\\"`);
    expect((await chat(a, { authorization: `Bearer ${other.key}` })).status).toBe(200);

    const wrongApp = await putBudget(a, "not-keyed", { monthlyUsd: "1", action: "block", keyId: capped.id });
    expect(wrongApp.status).toBe(400);
  });

  it("validates budgets, and deleting one lifts the block and its gauges", async () => {
    const bad = async (body: unknown) => {
      const res = await a.admin("/api/budgets/x", { method: "PUT", body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { message: string } }).error.message;
    };
    expect(await bad({ monthlyUsd: "-1", action: "block" })).toMatch(/^monthlyUsd:/);
    expect(await bad({ monthlyUsd: "1e3", action: "block" })).toMatch(/^monthlyUsd:/);
    expect(await bad({ monthlyUsd: "5", action: "stop" })).toMatch(/^action:/);

    expect((await putBudget(a, "lifted", { monthlyUsd: 0, action: "block" })).status).toBe(200);
    await b.tollgate.access.budgets.refresh();
    expect((await chat(b, { "x-tollgate-app": "lifted" })).status).toBe(429);
    expect((await a.admin("/api/budgets/lifted", { method: "DELETE" })).status).toBe(204);
    expect((await a.admin("/api/budgets/lifted", { method: "DELETE" })).status).toBe(404);
    await b.tollgate.access.budgets.refresh();
    expect((await chat(b, { "x-tollgate-app": "lifted" })).status).toBe(200);
    expect(await (await fetch(`${b.url}/metrics`)).text()).not.toContain(`tollgate_budget_limit_usd{budget="app:lifted"`);
  });

  it("a reservation left by a replica that died mid-call is given back once its hold expires", async () => {
    expect((await putBudget(a, "orphaned", { monthlyUsd: "0.001", action: "block" })).status).toBe(200);
    await b.tollgate.access.budgets.refresh();
    const month = monthOf(Date.now());
    // What a replica does before forwarding — and then it dies, never settling.
    await ensureLedger(db.pool, "app:orphaned", month);
    expect(await reserve(db.pool, "app:orphaned", month, "0.001", randomUUID())).toBe(true);
    expect((await chat(b, { "x-tollgate-app": "orphaned" })).status).toBe(429);

    await b.tollgate.access.budgets.refresh(); // a fresh hold may belong to a call still in flight: kept
    expect((await chat(b, { "x-tollgate-app": "orphaned" })).status).toBe(429);

    await db.pool.query(`UPDATE budget_holds SET created_at = now() - interval '61 minutes' WHERE budget_id = 'app:orphaned'`);
    await a.tollgate.access.budgets.refresh();
    expect(await budgetOf(a, "app:orphaned")).toMatchObject({ reservedUsd: "0", spentUsd: "0" });
    expect([...a.logs].some((l) => l.includes("released budget reservations that were never settled"))).toBe(true);
    expect((await chat(b, { "x-tollgate-app": "orphaned" })).status).toBe(200);
    expect(await settled(a, "app:orphaned")).toMatchObject({ spentUsd: ACTUAL, reservedUsd: "0" });
  });

  it("a key revoked on one replica stops working on the other at its next refresh", async () => {
    const { key, id } = await createKey(a, { app: "roaming" });
    expect((await chat(b, { authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await a.admin(`/api/keys/${id}`, { method: "DELETE" })).status).toBe(204);
    await b.tollgate.access.keys.refresh();
    const refused = await chat(b, { authorization: `Bearer ${key}` });
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({
      error: { type: "auth_failed", message: "This Tollgate virtual key has been revoked." },
    });
  });
});

function formatDecimalText(d: ReturnType<typeof parseDecimal>): string {
  return canonical(d);
}

function canonical(d: ReturnType<typeof parseDecimal>): string {
  const units = d.units.toString().padStart(d.scale + 1, "0");
  const whole = units.slice(0, units.length - d.scale);
  const fraction = units.slice(units.length - d.scale).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

function formatTimes(amount: string, n: number): string {
  return canonical(multiplyByInteger(parseDecimal(amount), n));
}

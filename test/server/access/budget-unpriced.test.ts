import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { recordedCalls, startReplica, type Replica } from "./harness.ts";

// Calls to a model without a price cost a budget nothing it can count. They must at least be visible in the
// budget's state, and a blocking budget may refuse them.
let db: TestDatabase;
let fake: FakeOpenAi;
let tg: Replica;

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await startFakeOpenAi();
  tg = await startReplica(db, { TOLLGATE_UPSTREAM_OPENAI: fake.url, TOLLGATE_ACCESS_REFRESH_MS: "60000" });
});
afterAll(async () => {
  await tg?.close();
  await fake?.close();
  await db?.drop();
});

// The fake reports 1,200 input (400 cached) and 300 output tokens for every call: $0.00033 on gpt-4o-mini.
const ACTUAL = "0.00033";
const UNPRICED_MODEL = "tollgate-test-unpriced-model";

async function chat(app: string, model: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${tg.url}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer sk-client-passthrough-1111111", "content-type": "application/json", "x-tollgate-app": app },
    body: JSON.stringify({ model, max_tokens: 300, messages: [{ role: "user", content: "hello" }] }),
  });
  return { status: res.status, body: await res.text() };
}

interface BudgetJson {
  id: string;
  action: string;
  unpriced: string;
  spentUsd: string;
  reservedUsd: string;
  unpricedCalls: number;
}

async function put(app: string, body: Record<string, unknown>): Promise<Response> {
  return tg.admin(`/api/budgets/${encodeURIComponent(app)}`, { method: "PUT", body: JSON.stringify(body) });
}

/** The budget once every call of it is settled. */
async function settled(id: string): Promise<BudgetJson> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await tg.tollgate.recorder.flush();
    await tg.tollgate.access.budgets.drain();
    const body = (await (await tg.admin("/api/budgets")).json()) as { budgets: BudgetJson[] };
    const found = body.budgets.find((b) => b.id === id);
    if (found && found.reservedUsd === "0") return found;
    if (Date.now() > deadline) throw new Error(`budget ${id} not settled: ${JSON.stringify(found)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("budgets and models without a price", () => {
  it("counts unpriced calls in the budget's month (GET /api/budgets unpricedCalls), for block and alert budgets", async () => {
    expect(tg.tollgate.priceBook.priceFor("openai", UNPRICED_MODEL, new Date(), null)).toBeNull();
    const created = await put("unpriced-visible", { monthlyUsd: "1", action: "block" });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ id: "app:unpriced-visible", unpriced: "allow", unpricedCalls: 0 });
    expect((await put("unpriced-watched", { monthlyUsd: "1", action: "alert" })).status).toBe(200);

    for (const app of ["unpriced-visible", "unpriced-watched"]) {
      expect((await chat(app, UNPRICED_MODEL)).status).toBe(200);
      expect((await chat(app, UNPRICED_MODEL)).status).toBe(200);
      expect((await chat(app, "gpt-4o-mini")).status).toBe(200);
      // The default ("allow") lets them through: today's behaviour, now counted.
      expect(await settled(`app:${app}`)).toMatchObject({ unpriced: "allow", spentUsd: ACTUAL, unpricedCalls: 2 });
    }
    const calls = (await recordedCalls(tg)).filter((c) => c.app === "unpriced-visible" && c.model === UNPRICED_MODEL);
    expect(calls).toHaveLength(2);
    for (const c of calls) expect(c).toMatchObject({ outcome: "ok", costUsd: null, priced: false });
  });

  it('a blocking budget with unpriced: "block" refuses calls to models without a price (429, never forwarded)', async () => {
    const res = await put("unpriced-strict", { monthlyUsd: "1", action: "block", unpriced: "block" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: "app:unpriced-strict", action: "block", unpriced: "block" });

    const seen = fake.seen.length;
    const refused = await chat("unpriced-strict", UNPRICED_MODEL);
    expect(refused.status).toBe(429);
    const error = (JSON.parse(refused.body) as { error: { type: string; message: string } }).error;
    expect(error.type).toBe("budget_blocked");
    expect(error.message).toContain('Tollgate budget "app:unpriced-strict"');
    expect(error.message).toContain(`"${UNPRICED_MODEL}"`);
    expect(error.message).toMatch(/without a price/);
    expect(fake.seen.length).toBe(seen); // the provider never saw it
    // Priced models still go through, and the budget counts them.
    expect((await chat("unpriced-strict", "gpt-4o-mini")).status).toBe(200);
    expect(await settled("app:unpriced-strict")).toMatchObject({ spentUsd: ACTUAL, unpricedCalls: 0 });
    const blocked = (await recordedCalls(tg)).filter((c) => c.app === "unpriced-strict" && c.outcome === "budget_blocked");
    expect(blocked).toHaveLength(1);

    // A PUT that omits "unpriced" keeps the budget's policy; "allow" lets the calls through again.
    expect(await (await put("unpriced-strict", { monthlyUsd: "2", action: "block" })).json()).toMatchObject({
      monthlyUsd: "2",
      unpriced: "block",
    });
    expect((await chat("unpriced-strict", UNPRICED_MODEL)).status).toBe(429);
    expect(await (await put("unpriced-strict", { monthlyUsd: "2", action: "block", unpriced: "allow" })).json()).toMatchObject({
      unpriced: "allow",
    });
    expect((await chat("unpriced-strict", UNPRICED_MODEL)).status).toBe(200);
    expect(await settled("app:unpriced-strict")).toMatchObject({ unpricedCalls: 1 });
  });

  it('validates "unpriced": an enum, and "block" only on a blocking budget', async () => {
    const bad = async (body: unknown) => {
      const res = await tg.admin("/api/budgets/unpriced-bad", { method: "PUT", body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { type: string; message: string } }).error;
    };
    expect(await bad({ monthlyUsd: "1", action: "block", unpriced: "deny" })).toMatchObject({
      type: "invalid_request",
      message: expect.stringMatching(/^unpriced:/),
    });
    expect(await bad({ monthlyUsd: "1", action: "alert", unpriced: "block" })).toMatchObject({
      type: "invalid_request",
      message: expect.stringMatching(/^unpriced: "block" needs action "block"/),
    });
    // Turning a strict budget into an alert budget drops the unpriced block with it.
    expect((await put("unpriced-demoted", { monthlyUsd: "1", action: "block", unpriced: "block" })).status).toBe(200);
    expect(await (await put("unpriced-demoted", { monthlyUsd: "1", action: "alert" })).json()).toMatchObject({
      action: "alert",
      unpriced: "allow",
    });
  });

  it("takes unpriced from TOLLGATE_CONFIG budgets", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-config-"));
    const file = join(dir, "tollgate.yaml");
    writeFileSync(file, "budgets:\n  - app: unpriced-config\n    monthlyUsd: 5\n    unpriced: block\n");
    const other = await startReplica(db, { TOLLGATE_CONFIG: file, TOLLGATE_UPSTREAM_OPENAI: fake.url });
    try {
      const body = (await (await other.admin("/api/budgets")).json()) as { budgets: BudgetJson[] };
      expect(body.budgets.find((b) => b.id === "app:unpriced-config")).toMatchObject({
        action: "block",
        unpriced: "block",
        unpricedCalls: 0,
      });
    } finally {
      await other.close();
    }
    writeFileSync(file, "budgets:\n  - app: unpriced-config\n    monthlyUsd: 5\n    action: alert\n    unpriced: block\n");
    await expect(startReplica(db, { TOLLGATE_CONFIG: file })).rejects.toThrow(
      /budgets\.0\.unpriced: unpriced: "block" needs action "block"/,
    );
  });
});

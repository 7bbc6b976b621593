import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { parsePromText } from "../../support/prom-text.ts";
import { createKey, startReplica, type Replica } from "../access/harness.ts";

// Budget state in /metrics: one series per configured budget — app budgets and per-key budgets — labelled by
// the budget's id (bounded: budgets are configured) and its app.
let db: TestDatabase;
let fake: FakeOpenAi;
let tg: Replica;

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await startFakeOpenAi();
  tg = await startReplica(db, {
    TOLLGATE_UPSTREAM_OPENAI: fake.url,
    OPENAI_API_KEY: "sk-held-budget-gauges-0000000",
    TOLLGATE_ACCESS_REFRESH_MS: "60000",
  });
});
afterAll(async () => {
  await tg?.close();
  await fake?.close();
  await db?.drop();
});

async function chat(headers: Record<string, string>, model = "gpt-4o-mini"): Promise<number> {
  const res = await fetch(`${tg.url}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer sk-client-passthrough-1111111", "content-type": "application/json", ...headers },
    body: JSON.stringify({ model, max_tokens: 300, messages: [{ role: "user", content: "hello" }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function scrape() {
  return parsePromText(await (await fetch(`${tg.url}/metrics`)).text());
}

describe("budget gauges", () => {
  it("expose every budget's limit, spend, reservations and unpriced calls, per app and per key, and drop deleted budgets", async () => {
    const key = await createKey(tg, { app: "gauged" });
    const put = (body: Record<string, unknown>) => tg.admin("/api/budgets/gauged", { method: "PUT", body: JSON.stringify(body) });
    expect((await put({ monthlyUsd: "20", action: "alert" })).status).toBe(200);
    expect((await put({ monthlyUsd: "2.5", action: "block", keyId: key.id })).status).toBe(200);

    expect(await chat({ authorization: `Bearer ${key.key}` })).toBe(200); // counts against the key's and the app's budget
    // An app with keys is claimed only through them: the app's other calls use a second key of it.
    const other = await createKey(tg, { app: "gauged" });
    expect(await chat({ "x-tollgate-app": "gauged" })).toBe(403);
    expect(await chat({ authorization: `Bearer ${other.key}` })).toBe(200);
    expect(await chat({ authorization: `Bearer ${other.key}` }, "tollgate-test-unpriced-model")).toBe(200);
    await tg.tollgate.recorder.flush();
    await tg.tollgate.access.budgets.drain();
    await tg.tollgate.access.budgets.refresh();

    const app = { budget: "app:gauged", app: "gauged" };
    const perKey = { budget: `key:${key.id}`, app: "gauged" };
    let text = await scrape();
    expect(text.value("tollgate_budget_limit_usd", app)).toBe(20);
    expect(text.value("tollgate_budget_spent_usd", app)).toBeCloseTo(0.00066, 12); // 2 priced calls of $0.00033
    expect(text.value("tollgate_budget_reserved_usd", app)).toBe(0);
    expect(text.value("tollgate_budget_unpriced_calls", app)).toBe(1);
    expect(text.value("tollgate_budget_limit_usd", perKey)).toBe(2.5);
    expect(text.value("tollgate_budget_spent_usd", perKey)).toBeCloseTo(0.00033, 12);
    expect(text.value("tollgate_budget_unpriced_calls", perKey)).toBe(0);
    expect(
      text
        .find("tollgate_budget_limit_usd")
        .map((s) => s.labels.budget)
        .sort(),
    ).toEqual(["app:gauged", `key:${key.id}`]);

    expect((await tg.admin(`/api/budgets/gauged?keyId=${key.id}`, { method: "DELETE" })).status).toBe(204);
    text = await scrape();
    for (const name of [
      "tollgate_budget_limit_usd",
      "tollgate_budget_spent_usd",
      "tollgate_budget_reserved_usd",
      "tollgate_budget_unpriced_calls",
      "tollgate_budget_forecast_usd",
    ]) {
      expect(text.find(name, perKey), name).toHaveLength(0);
      expect(text.find(name, app), name).toHaveLength(1);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { startReplica, type Replica } from "./harness.ts";

let db: TestDatabase;
let fake: FakeOpenAi;
let tg: Replica;

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await startFakeOpenAi();
  tg = await startReplica(db, { TOLLGATE_UPSTREAM_OPENAI: fake.url });
});
afterAll(async () => {
  await tg?.close();
  await fake?.close();
  await db?.drop();
});

async function budget(app: string, body: Record<string, unknown>): Promise<void> {
  const res = await tg.admin(`/api/budgets/${app}`, { method: "PUT", body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

async function call(app: string, body: string | Buffer, contentType = "application/json", path = "/openai/v1/chat/completions") {
  const before = fake.seen.length;
  const res = await fetch(`${tg.url}${path}`, {
    method: "POST",
    headers: { authorization: "Bearer sk-client-own", "x-tollgate-app": app, "content-type": contentType },
    body: typeof body === "string" ? body : new Uint8Array(body),
  });
  const text = await res.text();
  return { status: res.status, text, reached: fake.seen.length > before };
}

const chat = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], ...extra });

describe("budgets decide on the body the provider reads", () => {
  it("a text/plain body, or one padded past 16 MiB, is metered like the JSON one (429), never waved through", async () => {
    await budget("body-capped", { monthlyUsd: "0.000001", action: "block", unpriced: "block" });
    expect((await call("body-capped", chat())).status).toBe(429);
    for (const [body, type] of [
      [chat(), "text/plain"],
      [chat(), "application/x-www-form-urlencoded"],
      [Buffer.concat([Buffer.from(chat().slice(0, -1)), Buffer.alloc(17 * 1024 * 1024, " "), Buffer.from("}")]), "application/json"],
    ] as const) {
      const r = await call("body-capped", body, type);
      expect([r.status, r.reached], `${type} ${body.length} bytes`).toEqual([429, false]);
      expect(r.text).toContain("budget");
    }
    // an unpriced model sent as text/plain is refused under unpriced: "block" too
    const unpriced = await call("body-capped", chat({ model: "mystery-model-7" }), "text/plain");
    expect([unpriced.status, unpriced.reached]).toEqual([429, false]);
  });

  it("a body that cannot be parsed is refused (400) under a budget; without one it passes untouched", async () => {
    await budget("body-garbage", { monthlyUsd: "100", action: "block" });
    for (const body of ["model=gpt-4o-mini&messages=hi", "[1,2,3]", '{"model":"gpt-4o-mini",']) {
      const r = await call("body-garbage", body, "text/plain");
      expect([r.status, r.reached], body).toEqual([400, false]);
    }
    const unbudgeted = await call("body-free", "model=gpt-4o-mini", "text/plain");
    expect(unbudgeted.reached).toBe(true); // the provider answers it (the fake: 400 for bad JSON)
  });
});

describe("reservations count what multiplies cost", () => {
  it("n completions reserve n times the output; a previous response reserves a context window", async () => {
    await budget("multiplied", { monthlyUsd: "0.01", action: "block" });
    // gpt-4o-mini: 100 × 4,096 output tokens at $0.60/M ≈ $0.25 > $0.01
    expect((await call("multiplied", chat({ n: 100 }))).status).toBe(429);
    // previous_response_id: input reserved at 200,000 tokens × $0.15/M = $0.03 > $0.01
    const previous = await call(
      "multiplied",
      JSON.stringify({ model: "gpt-4o-mini", previous_response_id: "resp_abc", input: "go on", max_output_tokens: 16 }),
      "application/json",
      "/openai/v1/responses",
    );
    expect([previous.status, previous.reached]).toEqual([429, false]);
    // the same request as one completion fits: 4,096 × $0.60/M ≈ $0.0025
    const one = await call("multiplied", chat({ n: 1 }));
    expect([one.status, one.reached]).toEqual([200, true]);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are JSON checked field by field */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";
import { call } from "./fixtures.ts";

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
const CALLS: CallRecord[] = [
  call({
    at: at(10),
    provider: "openai",
    app: "checkout",
    model: "gpt-4o-mini",
    user: "alice",
    properties: { team: "payments", env: "prod" },
  }),
  call({ at: at(20), provider: "openai", app: "checkout", model: "gpt-4o-mini", user: "alina", properties: { team: "search" } }),
  call({ at: at(30), provider: "openai", app: "chat", model: "gpt-4o", user: "bob", properties: { team: "payments" } }),
  call({ at: at(40), provider: "anthropic", app: "support", model: "claude-sonnet-4", user: null, properties: null }),
  // older than the rollup window: not suggested
  call({ at: at(200 * 24 * 60), provider: "ollama", app: "ancient", model: "llama-old" }),
];
let tg: TestTollgate;

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${tg.url}${path}`);
  return { status: res.status, body: await res.json() };
}
const values = (body: any) => body.values.map((v: any) => [v.value, v.calls]);

beforeAll(async () => {
  tg = await startTestTollgate();
  expect(await insertCalls(tg.tollgate.db.pool, CALLS)).toBe(CALLS.length);
});
afterAll(async () => {
  await tg?.close();
});

describe("GET /api/suggest", () => {
  it("suggests providers, apps and models from the rollups by prefix, busiest first, case-insensitive", async () => {
    const models = await get("/api/suggest?field=model&prefix=GPT");
    expect(models.status).toBe(200);
    expect(models.body.source).toBe("rollups");
    expect(values(models.body)).toEqual([
      ["gpt-4o-mini", 2],
      ["gpt-4o", 1],
    ]);
    expect(values((await get("/api/suggest?field=provider")).body)).toEqual([
      ["openai", 3],
      ["anthropic", 1],
    ]);
    expect(values((await get("/api/suggest?field=app&prefix=ch")).body)).toEqual([
      ["checkout", 2],
      ["chat", 1],
    ]);
    expect(values((await get("/api/suggest?field=app&prefix=anc")).body)).toEqual([]);
    expect(values((await get("/api/suggest?field=model&limit=1")).body)).toEqual([["gpt-4o-mini", 2]]);
  });

  it("suggests users, property names and property values from the recent calls", async () => {
    const users = await get("/api/suggest?field=user&prefix=al");
    expect(users.body.source).toBe("recent calls");
    expect(values(users.body)).toEqual([
      ["alice", 1],
      ["alina", 1],
    ]);
    expect(values((await get("/api/suggest?field=property")).body)).toEqual([
      ["team", 3],
      ["env", 1],
    ]);
    expect(values((await get("/api/suggest?field=propertyValue&name=team&prefix=pay")).body)).toEqual([["payments", 2]]);
  });

  it("answers 400 naming the bad parameter", async () => {
    for (const [query, name] of [
      ["field=colour", "field"],
      ["field=propertyValue", "name"],
      ["field=propertyValue&name=Team!", "name"],
      ["field=model&limit=51", "limit"],
      ["prefix=x", "field"],
    ]) {
      const { status, body } = await get(`/api/suggest?${query}`);
      expect(status, query).toBe(400);
      expect(body.error.message, query).toMatch(new RegExp(`^${name}:`));
    }
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON checked field by field below */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../server/src/cli/run.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";
import { call, csvObjects } from "../api/fixtures.ts";

const ADMIN_TOKEN = "closed-periods-admin-token-0123456789";
// November calls priced with a row that does not exist: any recompute would change them (to unpriced).
const CALLS: CallRecord[] = [
  call({
    at: "2026-11-03T10:00:00Z",
    app: "support-bot",
    model: "gpt-4o",
    properties: { team: "care" },
    costUsd: "0.0123456789012345",
    inputTokens: 1200,
    cachedInputTokens: 200,
    outputTokens: 300,
    priceId: "old-row",
  }),
  call({
    at: "2026-11-14T10:00:00Z",
    app: "support-bot",
    model: "gpt-4o-mini",
    properties: { team: "care" },
    costUsd: "0.5",
    inputTokens: 10,
    outputTokens: 5,
    reasoningTokens: 2,
    priceId: "old-row-2",
  }),
  call({
    at: "2026-11-20T10:00:00Z",
    app: "search",
    model: "gpt-4o",
    properties: { team: "growth" },
    costUsd: "1.25",
    inputTokens: 100,
    outputTokens: 50,
    priceId: "old-row",
  }),
  call({
    at: "2026-11-21T10:00:00Z",
    app: "support-bot",
    model: "gpt-9",
    properties: { team: "care" },
    costUsd: null,
    priced: false,
    priceId: null,
    inputTokens: 70,
    outputTokens: 7,
  }),
];

let tg: TestTollgate;
let dbUrl: string;
const bearer = { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" };
const send = (method: string, path: string, body: unknown, headers: Record<string, string> = bearer) =>
  fetch(`${tg.url}${path}`, { method, headers, body: JSON.stringify(body) });
const get = async (path: string): Promise<any> => (await fetch(`${tg.url}${path}`, { headers: bearer })).json();
const costs = async () =>
  (await tg.tollgate.db.pool.query("SELECT cost_usd::text AS c FROM calls ORDER BY started_at")).rows.map((r: any) => r.c);

beforeAll(async () => {
  tg = await startTestTollgate({ TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN });
  dbUrl = tg.db.url;
  expect(await insertCalls(tg.tollgate.db.pool, CALLS)).toBe(CALLS.length);
});
afterAll(async () => {
  await tg?.close();
});

describe("closed months", () => {
  it("closing keeps the month's totals; closing twice is a conflict; a month not ended cannot close", async () => {
    const res = await send("POST", "/api/periods/2026-11/close", { reason: "November books" });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      month: "2026-11",
      closedBy: "api-token",
      reason: "November books",
      costUsd: "1.7623456789012345",
      calls: 4,
    });
    expect((await send("POST", "/api/periods/2026-11/close", {})).status).toBe(409);
    expect((await send("POST", "/api/periods/2099-01/close", {})).status).toBe(400);
    expect((await get("/api/periods")).closed.map((p: any) => p.month)).toEqual(["2026-11"]);
  });

  it("prices recompute refuses a range touching a closed month and changes nothing; after reopening it runs", async () => {
    const before = await costs();
    const lines: string[] = [];
    const code = await runCli(
      ["prices", "recompute", "--from", "2026-10-20T00:00:00Z", "--to", "2026-11-05T00:00:00Z"],
      { DATABASE_URL: dbUrl },
      (l) => lines.push(l),
    );
    expect(code).toBe(1);
    expect(lines.join("\n")).toMatch(/closed months in the range: 2026-11/);
    expect(await costs()).toEqual(before);
    // a dry run still reports what would change
    expect(
      await runCli(
        ["prices", "recompute", "--from", "2026-11-01T00:00:00Z", "--to", "2026-12-01T00:00:00Z", "--dry-run"],
        { DATABASE_URL: dbUrl },
        () => {},
      ),
    ).toBe(0);
    expect(await costs()).toEqual(before);

    expect((await send("POST", "/api/periods/2026-11/reopen", {})).status).toBe(400); // the reason is required
    const reopened = await send("POST", "/api/periods/2026-11/reopen", { reason: "price correction from the provider" });
    expect(reopened.status).toBe(200);
    expect(
      await runCli(
        ["prices", "recompute", "--from", "2026-11-01T00:00:00Z", "--to", "2026-12-01T00:00:00Z"],
        { DATABASE_URL: dbUrl },
        () => {},
      ),
    ).toBe(0);
    expect(await costs()).not.toEqual(before);
    // close it again from the CLI
    expect(await runCli(["periods", "close", "2026-11", "--reason", "re-closed"], { DATABASE_URL: dbUrl }, () => {})).toBe(0);
    expect(await runCli(["periods", "reopen", "2026-11"], { DATABASE_URL: dbUrl }, () => {})).toBe(2);
  });
});

describe("audit log", () => {
  it("records price, budget and period changes with the kind of session, newest first, never a secret", async () => {
    const login = await fetch(`${tg.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: ADMIN_TOKEN }),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const host = new URL(tg.url).host;
    const dashboard = { cookie, origin: `http://${host}`, "content-type": "application/json" };
    expect((await send("PUT", "/api/budgets/support-bot", { monthlyUsd: "50", action: "alert" }, dashboard)).status).toBe(200);
    const price = {
      provider: "openai",
      model: "gpt-9",
      effectiveFrom: "2026-11-01T00:00:00Z",
      inputUsdPerMTok: "1",
      outputUsdPerMTok: "2",
    };
    expect((await send("POST", "/api/prices", price)).status).toBe(201);
    expect((await send("PUT", "/api/budgets/search", { monthlyUsd: "x", action: "alert" })).status).toBe(400); // failed: not audited
    expect((await send("DELETE", "/api/budgets/support-bot", undefined, dashboard)).status).toBeLessThan(300);

    const res = await fetch(`${tg.url}/api/audit?limit=20`, { headers: bearer });
    const text = await res.text();
    expect(text).not.toContain(ADMIN_TOKEN);
    expect(text).not.toContain(cookie.split("=")[1]!);
    const entries = JSON.parse(text).entries.map((e: any) => [e.actor, e.action, e.subject]);
    expect(entries).toEqual([
      ["dashboard", "DELETE /budgets", "support-bot"],
      ["api-token", "POST /prices", "prices"],
      ["dashboard", "PUT /budgets", "support-bot"],
      ["cli", "POST /periods", "2026-11/close"],
      ["cli", "prices.recompute", "2026-11-01T00:00:00.000Z..2026-12-01T00:00:00.000Z"],
      ["api-token", "POST /periods", "2026-11/reopen"],
      ["api-token", "POST /periods", "2026-11/close"],
    ]);
    const budget = JSON.parse(text).entries[4 - 2];
    expect(budget.detail.body).toEqual({ monthlyUsd: "50", action: "alert" });
    const reopen = JSON.parse(text).entries[5];
    expect(reopen.detail.body).toEqual({ reason: "price correction from the provider" });
  });

  it("redacts secret-looking fields of a request body", async () => {
    const { redactDetail } = await import("../../../server/src/audit/audit-log.ts");
    expect(redactDetail({ url: "https://hooks.slack.com/services/T/B/secret", nested: { signingSecret: "s", app: "a" } })).toEqual({
      url: "[redacted]",
      nested: { signingSecret: "[redacted]", app: "a" },
    });
  });
});

describe("statements", () => {
  it("per model for an app or a team equal SQL over calls, with the price rows used; CSV the same with a total", async () => {
    const s = await get("/api/statement?month=2026-11&property.team=care");
    const { rows } = await tg.tollgate.db.pool.query(
      `SELECT model, count(*)::int AS calls, coalesce(sum(cost_usd),0)::text AS cost, sum(input_tokens)::int AS input FROM calls
        WHERE properties->>'team' = 'care' AND started_at >= '2026-11-01' AND started_at < '2026-12-01' GROUP BY model ORDER BY model`,
    );
    expect(s.lines.map((l: any) => [l.model, l.calls, Number(l.costUsd), l.inputTokens]).sort()).toEqual(
      rows.map((r: any) => [r.model, r.calls, Number(r.cost), r.input]).sort(),
    );
    expect(s.totals.unpricedCalls).toBe(1);
    const used = [...new Set(s.lines.flatMap((l: any) => l.priceIds))].sort();
    expect(used.length).toBeGreaterThan(0);
    expect(s.prices.map((p: any) => p.id).sort()).toEqual(used);
    expect(s.closed).toMatchObject({ month: "2026-11", closedBy: "cli" });
    const res = await fetch(`${tg.url}/api/statement.csv?month=2026-11&property.team=care`, { headers: bearer });
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="tollgate-statement-2026-11-team-care.csv"');
    const csv = csvObjects(await res.text());
    expect(csv.at(-1)).toMatchObject({ provider: "TOTAL", costUsd: s.totals.costUsd, calls: String(s.totals.calls) });
    const app = await get("/api/statement?month=2026-11&app=search");
    expect(app.lines.map((l: any) => [l.model, l.calls])).toEqual([["gpt-4o", 1]]);
  });

  it("a closed month's statement reproduces exactly: the whole month's totals equal those kept at closing", async () => {
    const s = await get("/api/statement?month=2026-11");
    expect({ costUsd: s.totals.costUsd, calls: s.totals.calls }).toEqual({ costUsd: s.closed.costUsd, calls: s.closed.calls });
    expect(await get("/api/statement?month=2026-11")).toEqual(s);
  });
});

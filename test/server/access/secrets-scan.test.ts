import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGemini } from "../../support/fake-gemini.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { startFakeServer, type FakeServer } from "../../support/fake-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { eventually } from "../../support/tollgate.ts";
import { ADMIN_TOKEN, createKey, startReplica, type Replica } from "./harness.ts";

const HELD = {
  OPENAI_API_KEY: "sk-held-openai-scan-5e4d3c2b1a09f8e7",
  GEMINI_API_KEY: "AIzaHeldGeminiScanKey_9876543210zyxwv",
  MISTRAL_API_KEY: "held-mistral-scan-key-0f1e2d3c4b5a6978",
};
const METRICS_TOKEN = "metrics-token-scan-77665544";
// Admin keys for the providers' usage and cost reports: the first fetch (at start-up) goes to an upstream
// that echoes the key back in its 401.
const ADMIN_KEYS = { OPENAI_ADMIN_KEY: "sk-admin-scan-openai-24680135792468", ANTHROPIC_ADMIN_KEY: "sk-ant-admin01-scan-1357924680abcd" };
const CLIENT_KEY = "sk-client-own-passthrough-3141592653";
// Secrets a careless user pastes into a prompt: stored bodies must not keep them.
const IN_BODY = {
  openai: "sk-proj-pastedIntoPrompt_ABCDEFGH12345678",
  google: "AIzaSyPastedIntoPrompt_0123456789abcdef",
  bearer: "eyJhbGciOiJIUzI1NiJ9.pasted-bearer-token-xyz",
};

let db: TestDatabase;
let openaiFake: FakeOpenAi;
let geminiFake: FakeServer;
let rejecting: FakeServer;
let tg: Replica;
const secrets: string[] = [
  ...Object.values(HELD),
  ...Object.values(ADMIN_KEYS),
  METRICS_TOKEN,
  CLIENT_KEY,
  ADMIN_TOKEN,
  ...Object.values(IN_BODY),
];

beforeAll(async () => {
  db = await createTestDatabase();
  [openaiFake, geminiFake] = await Promise.all([startFakeOpenAi(), startFakeGemini()]);
  // An upstream that rejects the key and echoes it back in full, as a careless provider might.
  rejecting = await startFakeServer((req, res) => {
    const presented = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
    res.writeHead(401, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        object: "error",
        message: `Incorrect API key provided: ${presented}`,
        type: "authentication_error",
        param: null,
        code: "invalid_api_key",
      }),
    );
  });
  tg = await startReplica(db, {
    ...HELD,
    TOLLGATE_UPSTREAM_OPENAI: openaiFake.url,
    TOLLGATE_UPSTREAM_GEMINI: geminiFake.url,
    TOLLGATE_UPSTREAM_MISTRAL: rejecting.url,
    TOLLGATE_LOG_BODIES: "true",
    TOLLGATE_METRICS_TOKEN: METRICS_TOKEN,
    ...ADMIN_KEYS,
    TOLLGATE_RECONCILE_OPENAI_URL: rejecting.url,
  });
});
afterAll(async () => {
  await tg?.close();
  await Promise.all([openaiFake?.close(), geminiFake?.close(), rejecting?.close()]);
  await db?.drop();
});

describe("no secret reaches the database or the logs", () => {
  it("after keys, calls (pass-through, virtual, streamed, ?key=, rejected, blocked), logins and scrapes", async () => {
    const openaiKey = await createKey(tg, { app: "scan-app", provider: "openai" });
    const anyKey = await createKey(tg, { app: "scan-any" });
    secrets.push(openaiKey.key, anyKey.key);
    const pasted = `my keys: ${IN_BODY.openai}, ${IN_BODY.google}, ${anyKey.key}; header Authorization: Bearer ${IN_BODY.bearer}`;

    const viaKey = new OpenAI({ apiKey: openaiKey.key, baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
    await viaKey.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: pasted }] });
    const stream = await viaKey.chat.completions.create({
      model: "gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: pasted }],
    });
    for await (const _ of stream) void _;
    await new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${tg.url}/openai/v1`, maxRetries: 0 }).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
    });
    await new OpenAI({ apiKey: "tg_" + "Z".repeat(43), baseURL: `${tg.url}/openai/v1`, maxRetries: 0 }).chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      .catch(() => {});

    const ai = new GoogleGenAI({ apiKey: anyKey.key, httpOptions: { baseUrl: `${tg.url}/gemini` } });
    await ai.models.generateContent({ model: "gemini-2.5-flash", contents: pasted });
    const viaQuery = await fetch(`${tg.url}/gemini/v1beta/models/gemini-2.5-flash:generateContent?key=${anyKey.key}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
    });
    expect(viaQuery.status).toBe(200);

    const rejected = await fetch(`${tg.url}/mistral/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${anyKey.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "mistral-small-latest", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(rejected.status).toBe(401);
    // the client sees what the provider said, with the held key masked (a key holder never learns it)…
    const said = await rejected.text();
    expect(said).toContain(`Incorrect API key provided: ${"*".repeat(HELD.MISTRAL_API_KEY.length)}`);
    expect(said).not.toContain(HELD.MISTRAL_API_KEY);

    expect(
      (await tg.admin("/api/budgets/scan-app", { method: "PUT", body: JSON.stringify({ monthlyUsd: "0", action: "block" }) })).status,
    ).toBe(200);
    const blocked = await fetch(`${tg.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${openaiKey.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: pasted }] }),
    });
    expect(blocked.status).toBe(429);

    await fetch(`${tg.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: "wrong-admin-token-guess-123" }),
    });
    const login = await fetch(`${tg.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: ADMIN_TOKEN }),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    secrets.push(cookie.split("=")[1]!);
    expect((await fetch(`${tg.url}/api/calls`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${tg.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);

    // Upstreams saw the held keys, never the virtual ones.
    for (const seen of [...openaiFake.seen, ...geminiFake.seen]) expect(JSON.stringify(seen.headers) + seen.url).not.toContain("tg_");

    await eventually(async () => expect(tg.logs.join("")).toContain("provider report fetch failed"));
    const reconciliation = await fetch(`${tg.url}/api/reconciliation`, { headers: { cookie } });
    expect(reconciliation.status).toBe(200);
    expect(await reconciliation.text()).not.toContain(ADMIN_KEYS.OPENAI_ADMIN_KEY);

    // Shutdown flushes the recorder and the batched key last-used times.
    await tg.close();

    const { rows: tables } = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const names = tables.map((t) => t.table_name);
    for (const expected of ["calls", "virtual_keys", "settings", "budgets", "budget_spend", "prices"]) expect(names).toContain(expected);
    let dump = "";
    for (const name of names) {
      const { rows } = await db.pool.query<{ j: string }>(`SELECT row_to_json(t)::text AS j FROM "${name}" t`);
      dump += rows.map((r) => r.j).join("\n");
    }
    const { rows: calls } = await db.pool.query<{
      outcome: string;
      request_body: string | null;
      error_body: string | null;
      error_message: string | null;
      app: string;
    }>(`SELECT outcome, request_body, error_body, error_message, app FROM calls ORDER BY started_at`);
    expect(calls.map((c) => c.outcome).sort()).toEqual(["auth_failed", "budget_blocked", "ok", "ok", "ok", "ok", "ok", "upstream_error"]);
    for (const secret of secrets) expect(dump.includes(secret), `a stored row contains ${secret.slice(0, 12)}…`).toBe(false);

    // Redaction, not omission: bodies are stored with the secrets replaced.
    const { rows: stored } = await db.pool.query<{ request_body: string | null }>(`SELECT request_body FROM call_bodies`);
    expect(calls.every((c) => c.request_body === null)).toBe(true); // bodies live in call_bodies, never in calls
    const bodies = stored.map((c) => c.request_body).filter((b): b is string => b !== null && b.includes("my keys"));
    expect(bodies.length).toBe(4);
    for (const body of bodies)
      expect(body).toContain("my keys: [redacted], [redacted], [redacted]; header Authorization: Bearer [redacted]");
    const rejectedRow = calls.find((c) => c.outcome === "upstream_error")!;
    expect(rejectedRow.error_message).toBe("Incorrect API key provided: [redacted]");
    expect(rejectedRow.error_body).toContain("[redacted]");

    const logs = tg.logs.join("");
    expect(tg.logs.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(logs.includes(secret), `the log contains ${secret.slice(0, 12)}…`).toBe(false);
  });
});

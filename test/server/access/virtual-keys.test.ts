import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../server/src/cli/run.ts";
import { hashVirtualKey } from "../../../server/src/access/key-secrets.ts";
import { startFakeAnthropic } from "../../support/fake-anthropic.ts";
import { startFakeGemini } from "../../support/fake-gemini.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import type { FakeServer } from "../../support/fake-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { callById, createKey, startReplica, type Replica } from "./harness.ts";

const HELD = {
  OPENAI_API_KEY: "sk-held-openai-9f8e7d6c5b4a39281706",
  ANTHROPIC_API_KEY: "sk-ant-held-anthropic-1a2b3c4d5e6f7a8b",
  GEMINI_API_KEY: "AIzaHeldGeminiKey_0123456789abcdefghij",
};

let db: TestDatabase;
let openaiFake: FakeOpenAi;
let anthropicFake: FakeServer;
let geminiFake: FakeServer;
let tg: Replica;

beforeAll(async () => {
  db = await createTestDatabase();
  [openaiFake, anthropicFake, geminiFake] = await Promise.all([startFakeOpenAi(), startFakeAnthropic(), startFakeGemini()]);
  tg = await startReplica(db, {
    ...HELD,
    TOLLGATE_UPSTREAM_OPENAI: openaiFake.url,
    TOLLGATE_UPSTREAM_ANTHROPIC: anthropicFake.url,
    TOLLGATE_UPSTREAM_GEMINI: geminiFake.url,
  });
});
afterAll(async () => {
  await tg?.close();
  await Promise.all([openaiFake?.close(), anthropicFake?.close(), geminiFake?.close()]);
  await db?.drop();
});

const openai = (apiKey: string, app = "spoofed-app") =>
  new OpenAI({ apiKey, baseURL: `${tg.url}/openai/v1`, maxRetries: 0, defaultHeaders: { "x-tollgate-app": app } });
const hello = [{ role: "user" as const, content: "Say hello" }];

describe("virtual keys", () => {
  it("creates a tg_ key shown once; listings show the prefix only and the database holds an HMAC of it", async () => {
    const created = await createKey(tg, { app: "billing", provider: "openai" });
    expect(created.key).toMatch(/^tg_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ app: "billing", provider: "openai", prefix: created.key.slice(0, 9), expiresAt: null });

    const list = (await (await tg.admin("/api/keys")).json()) as { keys: Record<string, unknown>[] };
    const listed = list.keys.find((k) => k.id === created.id)!;
    expect(listed).toMatchObject({
      app: "billing",
      provider: "openai",
      prefix: created.key.slice(0, 9),
      status: "active",
      revokedAt: null,
    });
    expect(Object.keys(listed).sort()).toEqual([
      "app",
      "createdAt",
      "endpoints",
      "expiresAt",
      "id",
      "lastUsedAt",
      "prefix",
      "provider",
      "revokedAt",
      "status",
    ]);
    expect(JSON.stringify(list)).not.toContain(created.key);

    const { rows } = await db.pool.query<{ hash: string }>(`SELECT hash FROM virtual_keys WHERE id = $1`, [created.id]);
    const pepper = await db.pool.query<{ value: string }>(`SELECT value FROM settings WHERE key = 'virtual_key_pepper'`);
    expect(rows[0]!.hash).toBe(hashVirtualKey(Buffer.from(pepper.rows[0]!.value), created.key));
    expect(rows[0]!.hash).not.toContain(created.key.slice(3));
  });

  it("validates new keys: app required, provider known, expiry in the future", async () => {
    const bad = async (body: unknown) => {
      const res = await tg.admin("/api/keys", { method: "POST", body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      return ((await res.json()) as { error: { message: string } }).error.message;
    };
    expect(await bad({})).toMatch(/^app:/);
    expect(await bad({ app: "x", provider: "nope" })).toMatch(/^provider: unknown provider "nope"/);
    expect(await bad({ app: "x", expiresAt: "2001-01-01T00:00:00Z" })).toMatch(/^expiresAt: must be in the future/);
    expect(await bad({ app: "x", expiresAt: "tomorrow" })).toMatch(/^expiresAt:/);
  });

  it("OpenAI SDK: the upstream sees the held key, the app is pinned to the key's even when x-tollgate-app says otherwise", async () => {
    const { key, id } = await createKey(tg, { app: "checkout", provider: "openai" });
    const { data, response } = await openai(key).chat.completions.create({ model: "gpt-4o-mini", messages: hello }).withResponse();
    expect(data.choices[0]?.message.content).toBe("Hello, world!");
    const seen = openaiFake.seen[openaiFake.seen.length - 1]!;
    expect(seen.headers.authorization).toBe(`Bearer ${HELD.OPENAI_API_KEY}`);
    expect(seen.headers["x-tollgate-app"]).toBeUndefined();
    expect(JSON.stringify(seen.headers)).not.toContain("tg_");

    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ app: "checkout", keyId: id, outcome: "ok", costUsd: "0.00033" });
  });

  it("Anthropic SDK: the held key goes in x-api-key and the client's Authorization is gone", async () => {
    const { key, id } = await createKey(tg, { app: "support", provider: "anthropic" });
    const client = new Anthropic({
      apiKey: key,
      baseURL: `${tg.url}/anthropic`,
      maxRetries: 0,
      defaultHeaders: { "x-tollgate-app": "someone-else" },
    });
    const { response } = await client.messages
      .create({ model: "claude-sonnet-4-5-20250929", max_tokens: 64, messages: hello })
      .withResponse();
    const seen = anthropicFake.seen[anthropicFake.seen.length - 1]!;
    expect(seen.headers["x-api-key"]).toBe(HELD.ANTHROPIC_API_KEY);
    expect(seen.headers.authorization).toBeUndefined();
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ app: "support", keyId: id, provider: "anthropic", outcome: "ok" });
  });

  it("Gemini: the SDK's x-goog-api-key and the ?key= form both get the held key, and ?key= leaves the URL", async () => {
    const { key, id } = await createKey(tg, { app: "search" });
    const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: `${tg.url}/gemini` } });
    await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
    let seen = geminiFake.seen[geminiFake.seen.length - 1]!;
    expect(seen.headers["x-goog-api-key"]).toBe(HELD.GEMINI_API_KEY);

    const res = await fetch(`${tg.url}/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=${key}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    seen = geminiFake.seen[geminiFake.seen.length - 1]!;
    expect(seen.url).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    expect(seen.headers["x-goog-api-key"]).toBe(HELD.GEMINI_API_KEY);
    const call = await callById(tg, res.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ app: "search", keyId: id, provider: "gemini", outcome: "ok", stream: true });
  });

  it("an unknown key gets 401 in the provider's shape, is recorded auth_failed and never reaches the provider", async () => {
    const before = openaiFake.seen.length;
    const unknown = "tg_" + "A".repeat(43);
    const err = await openai(unknown)
      .chat.completions.create({ model: "gpt-4o-mini", messages: hello })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const apiErr = err as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(apiErr.status).toBe(401);
    expect(apiErr.error).toMatchObject({ message: "Incorrect Tollgate virtual key provided.", type: "auth_failed" });
    expect(openaiFake.seen.length).toBe(before);
    const call = await callById(tg, apiErr.headers?.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ outcome: "auth_failed", status: 401, app: "spoofed-app", keyId: null });
    expect(JSON.stringify(call)).not.toContain(unknown);

    // Malformed tg_ values are refused the same way.
    const malformed = await openai("tg_short")
      .chat.completions.create({ model: "gpt-4o-mini", messages: hello })
      .catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it("a key for another provider gets 401 in that provider's shape", async () => {
    const { key } = await createKey(tg, { app: "checkout", provider: "openai" });
    const client = new Anthropic({ apiKey: key, baseURL: `${tg.url}/anthropic`, maxRetries: 0 });
    const err = await client.messages
      .create({ model: "claude-sonnet-4-5-20250929", max_tokens: 8, messages: hello })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    const body = (err as InstanceType<typeof Anthropic.AuthenticationError>).error as { type: string; error: { message: string } };
    expect(body.type).toBe("error");
    expect(body.error.message).toBe('This Tollgate virtual key is for provider "openai", not "anthropic".');
  });

  it("revocation takes effect at once on this replica; the key is then refused as revoked", async () => {
    const { key, id } = await createKey(tg, { app: "revoked-app" });
    await openai(key).chat.completions.create({ model: "gpt-4o-mini", messages: hello });
    expect((await tg.admin(`/api/keys/${id}`, { method: "DELETE" })).status).toBe(204);
    const err = await openai(key)
      .chat.completions.create({ model: "gpt-4o-mini", messages: hello })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({
      message: "This Tollgate virtual key has been revoked.",
    });
    const list = (await (await tg.admin("/api/keys")).json()) as { keys: Array<{ id: string; status: string; revokedAt: string | null }> };
    expect(list.keys.find((k) => k.id === id)).toMatchObject({ status: "revoked", revokedAt: expect.any(String) });
    expect((await tg.admin(`/api/keys/00000000-0000-4000-8000-000000000000`, { method: "DELETE" })).status).toBe(404);
  });

  it("an expired key is refused", async () => {
    // (2 s of life: the first call must land before the end even on a loaded machine)
    const expiresAt = Date.now() + 2_000;
    const { key } = await createKey(tg, { app: "short-lived", expiresAt: new Date(expiresAt).toISOString() });
    await openai(key).chat.completions.create({ model: "gpt-4o-mini", messages: hello });
    await new Promise((r) => setTimeout(r, expiresAt + 100 - Date.now()));
    const err = await openai(key)
      .chat.completions.create({ model: "gpt-4o-mini", messages: hello })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({
      message: "This Tollgate virtual key has expired.",
    });
  });

  it("a provider without a held key answers 500 naming the variable to set", async () => {
    const { key } = await createKey(tg, { app: "eu-team" });
    const res = await fetch(`${tg.url}/mistral/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "mistral-large-latest", messages: hello }),
    });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("set MISTRAL_API_KEY");
  });

  it("requests without a virtual key pass through with the client's own key", async () => {
    await openai("sk-client-own-key-1234567890", "direct").chat.completions.create({ model: "gpt-4o-mini", messages: hello });
    expect(openaiFake.seen[openaiFake.seen.length - 1]!.headers.authorization).toBe("Bearer sk-client-own-key-1234567890");
  });

  it("records when keys were last used (batched, on refresh)", async () => {
    const { key, id } = await createKey(tg, { app: "touched" });
    await openai(key).chat.completions.create({ model: "gpt-4o-mini", messages: hello });
    await tg.tollgate.access.keys.refresh();
    const { rows } = await db.pool.query<{ last_used_at: Date | null }>(`SELECT last_used_at FROM virtual_keys WHERE id = $1`, [id]);
    expect(rows[0]!.last_used_at).toBeInstanceOf(Date);
  });
});

describe("the keys CLI", () => {
  it("creates, lists and revokes keys; a CLI-made key works on a running server at once", async () => {
    const out: string[] = [];
    const env = { DATABASE_URL: db.url };
    expect(await runCli(["keys", "create", "--app", "cli-app", "--provider", "openai"], env, (l) => out.push(l))).toBe(0);
    const created = JSON.parse(out.join("\n")) as { id: string; key: string; app: string; provider: string };
    expect(created).toMatchObject({ app: "cli-app", provider: "openai", key: expect.stringMatching(/^tg_/) });

    // The server never saw this key: its first use is a cache miss answered from the database.
    const { response } = await openai(created.key).chat.completions.create({ model: "gpt-4o-mini", messages: hello }).withResponse();
    expect(await callById(tg, response.headers.get("x-tollgate-call-id"))).toMatchObject({ app: "cli-app", keyId: created.id });

    out.length = 0;
    expect(await runCli(["keys", "list"], env, (l) => out.push(l))).toBe(0);
    const listed = JSON.parse(out.join("\n")) as Array<{ id: string; prefix: string }>;
    expect(listed.find((k) => k.id === created.id)?.prefix).toBe(created.key.slice(0, 9));
    expect(out.join("\n")).not.toContain(created.key);

    out.length = 0;
    expect(await runCli(["keys", "revoke", created.id], env, (l) => out.push(l))).toBe(0);
    expect(JSON.parse(out.join("\n"))).toMatchObject({ id: created.id, status: "revoked" });
    // Revoked elsewhere: this replica drops the key on its next refresh.
    await tg.tollgate.access.keys.refresh();
    const err = await openai(created.key)
      .chat.completions.create({ model: "gpt-4o-mini", messages: hello })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);

    out.length = 0;
    expect(await runCli(["keys", "create", "--app", "cli-app", "--endpoints", "files, audio"], env, (l) => out.push(l))).toBe(0);
    expect((JSON.parse(out.join("\n")) as { endpoints: string[] }).endpoints).toEqual(["inference", "models", "files", "audio"]);
    out.length = 0;
    expect(await runCli(["keys", "create", "--app", "cli-app", "--endpoints", "admin"], env, (l) => out.push(l))).not.toBe(0);
    expect(out.join("\n")).toMatch(/endpoints/);

    out.length = 0;
    expect(await runCli(["keys", "create"], env, (l) => out.push(l))).not.toBe(0);
    expect(out.join("\n")).toMatch(/app/);
  });
});

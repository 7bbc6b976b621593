import { request, type IncomingMessage, type ServerResponse } from "node:http";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeServer, type FakeServer } from "../../support/fake-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { callById, createKey, startReplica, type Replica } from "./harness.ts";

const HELD_OPENAI = "sk-held-openai-scope-test-5f4e3d2c1b0a99887766";
const HELD_ANTHROPIC = "sk-ant-held-scope-test-0a1b2c3d4e5f6a7b";

/**
 * An upstream that echoes the credentials it received: in a response header and in the body, and, for
 * streams, split across two writes in the middle of the key (what a careless or hostile upstream might do).
 */
async function echo(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
  const auth = String(req.headers.authorization ?? req.headers["x-api-key"] ?? "");
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    // not JSON: answered all the same
  }
  if (req.url?.endsWith("/chat/completions") && json.stream === true) {
    res.writeHead(200, { "content-type": "text/event-stream", "x-echo-auth": auth });
    const event = (content: string) =>
      `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [{ index: 0, delta: { content } }] })}\n\n`;
    const text = event(`you sent ${auth}`);
    const cut = text.indexOf(auth) + Math.floor(auth.length / 2);
    res.write(text.slice(0, cut));
    await new Promise((r) => setTimeout(r, 20));
    res.write(text.slice(cut));
    res.write(
      `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } })}\n\n`,
    );
    res.end("data: [DONE]\n\n");
    return;
  }
  if (req.url?.endsWith("/chat/completions") || req.url?.endsWith("/responses")) {
    const answer = {
      id: "chatcmpl-1",
      object: "chat.completion",
      model: typeof json.model === "string" ? json.model : "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: `you sent ${auth}` }, finish_reason: "stop" }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    };
    res.writeHead(200, { "content-type": "application/json", "x-echo-auth": auth });
    res.end(JSON.stringify(answer));
    return;
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ object: "list", data: [], path: req.url }));
}

let db: TestDatabase;
let upstream: FakeServer;
let tg: Replica;

beforeAll(async () => {
  db = await createTestDatabase();
  upstream = await startFakeServer(echo);
  tg = await startReplica(db, {
    OPENAI_API_KEY: HELD_OPENAI,
    ANTHROPIC_API_KEY: HELD_ANTHROPIC,
    // a base path, so a path escaping it is visible
    TOLLGATE_UPSTREAM_OPENAI: `${upstream.url}/base`,
    TOLLGATE_UPSTREAM_ANTHROPIC: `${upstream.url}/base`,
  });
});
afterAll(async () => {
  await tg?.close();
  await upstream?.close();
  await db?.drop();
});

const chat = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] };

async function send(path: string, init: { method?: string; key?: string; headers?: Record<string, string>; body?: string } = {}) {
  const before = upstream.seen.length;
  const headers: Record<string, string> = { ...(init.key ? { authorization: `Bearer ${init.key}` } : {}), ...init.headers };
  if (init.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
    headers["content-type"] = "application/json";
  const res = await fetch(`${tg.url}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body,
  });
  const text = await res.text();
  return { res, status: res.status, text, reached: upstream.seen.length > before, seen: upstream.seen[upstream.seen.length - 1] };
}

describe("virtual key scopes", () => {
  it("a default key reaches the metered endpoints and model listing, and nothing else: 403 in the provider's shape, never forwarded", async () => {
    const { key } = await createKey(tg, { app: "scoped", provider: "openai" });
    expect((await send("/openai/v1/chat/completions", { key, body: JSON.stringify(chat) })).status).toBe(200);
    expect((await send("/openai/v1/models", { key })).status).toBe(200);
    expect((await send("/openai/v1/models/gpt-4o-mini", { key })).status).toBe(200);

    const refused: Array<[string, string, string?]> = [
      ["GET", "/openai/v1/organization/admin_api_keys"],
      ["GET", "/openai/v1/organization/projects"],
      ["GET", "/openai/v1/batches"],
      ["POST", "/openai/v1/batches", "{}"],
      ["GET", "/openai/v1/files"],
      ["POST", "/openai/v1/images/generations", JSON.stringify({ prompt: "a cat" })],
      ["POST", "/openai/v1/audio/speech", JSON.stringify({ input: "hi", model: "tts-1", voice: "alloy" })],
      ["GET", "/openai/v1/responses/resp_123"],
      ["DELETE", "/openai/v1/models/ft:gpt-4o-mini:acme"],
      // path variants that Tollgate would not meter as chat completions
      ["POST", "/openai/v1/chat/completions/", JSON.stringify(chat)],
      ["POST", "/openai/v1/%63hat/completions", JSON.stringify(chat)],
      ["POST", "/openai/v1/chat/completions;x", JSON.stringify(chat)],
      ["POST", "/openai/v1/Chat/Completions", JSON.stringify(chat)],
      ["POST", "/openai/v1/organization/x/chat/completions", JSON.stringify(chat)],
    ];
    for (const [method, path, body] of refused) {
      const r = await send(path, { key, method, body });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.reached, `${method} ${path} reached the provider`).toBe(false);
      const error = (JSON.parse(r.text) as { error: { message: string; type: string } }).error;
      expect(error.type).toBe("auth_failed");
      expect(error.message).toMatch(/^Tollgate virtual key refused: /);
      expect(r.text).not.toContain(key);
      const call = await callById(tg, r.res.headers.get("x-tollgate-call-id"));
      expect(call).toMatchObject({ outcome: "auth_failed", status: 403, app: "scoped" });
    }
  });

  it("Anthropic's organisation API is never reachable with a held key, whatever the key's scopes", async () => {
    const { key } = await createKey(tg, { app: "scoped", provider: "anthropic", endpoints: ["files", "batches", "images", "audio"] });
    for (const path of [
      "/anthropic/v1/organizations/users",
      "/anthropic/v1/organizations/api_keys",
      "/anthropic/v1/organizations/workspaces/w1/members",
    ]) {
      const r = await send(path, { headers: { "x-api-key": key } });
      expect(r.status, path).toBe(403);
      expect(r.reached).toBe(false);
      expect((JSON.parse(r.text) as { type: string; error: { type: string } }).type).toBe("error");
    }
    const batches = await send("/anthropic/v1/messages/batches", { headers: { "x-api-key": key } });
    expect([batches.status, batches.reached]).toEqual([200, true]);
    expect(batches.seen?.headers["x-api-key"]).toBe(HELD_ANTHROPIC);
  });

  it("wider scopes only when the key was created with them, listed on the key", async () => {
    const { key, id } = await createKey(tg, { app: "scoped", provider: "openai", endpoints: ["files", "batches"] });
    const listed = ((await (await tg.admin("/api/keys")).json()) as { keys: Array<{ id: string; endpoints: string[] }> }).keys.find(
      (k) => k.id === id,
    )!;
    expect(listed.endpoints).toEqual(["inference", "models", "files", "batches"]);
    expect((await send("/openai/v1/files", { key })).status).toBe(200);
    expect((await send("/openai/v1/files/file-abc/content", { key })).status).toBe(200);
    expect((await send("/openai/v1/batches/batch_1/cancel", { key, method: "POST", body: "{}" })).status).toBe(200);
    expect((await send("/openai/v1/images/generations", { key, body: "{}" })).status).toBe(403);
    expect((await send("/openai/v1/organization/projects", { key })).status).toBe(403);

    const bad = await tg.admin("/api/keys", { method: "POST", body: JSON.stringify({ app: "scoped", endpoints: ["admin"] }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^endpoints\.0:/);
  });
});

describe("claims, headers and held-key secrecy", () => {
  it("an app with a virtual key cannot be claimed by header alone (403); other apps can", async () => {
    await createKey(tg, { app: "checkout-claimed", provider: "openai" });
    const claimed = await send("/openai/v1/chat/completions", {
      headers: { authorization: "Bearer sk-client-own", "x-tollgate-app": "checkout-claimed" },
      body: JSON.stringify(chat),
    });
    expect([claimed.status, claimed.reached]).toEqual([403, false]);
    expect(claimed.text).toContain('App \\"checkout-claimed\\" has virtual keys');
    const other = await send("/openai/v1/chat/completions", {
      headers: { authorization: "Bearer sk-client-own", "x-tollgate-app": "unkeyed-app" },
      body: JSON.stringify(chat),
    });
    expect([other.status, other.reached]).toEqual([200, true]);
    expect(other.seen?.headers.authorization).toBe("Bearer sk-client-own");
  });

  it("recognises `Authorization: tg_…` without Bearer, and drops OpenAI-Organization / OpenAI-Project from key holders", async () => {
    const { key, id } = await createKey(tg, { app: "bare-auth", provider: "openai" });
    const r = await send("/openai/v1/chat/completions", {
      headers: { authorization: key, "openai-organization": "org-victim", "openai-project": "proj_victim" },
      body: JSON.stringify(chat),
    });
    expect(r.status).toBe(200);
    expect(r.seen?.headers.authorization).toBe(`Bearer ${HELD_OPENAI}`);
    expect(r.seen?.headers["openai-organization"]).toBeUndefined();
    expect(r.seen?.headers["openai-project"]).toBeUndefined();
    expect(await callById(tg, r.res.headers.get("x-tollgate-call-id"))).toMatchObject({ keyId: id, app: "bare-auth" });
    // A client with its own key keeps choosing its own organisation.
    const own = await send("/openai/v1/chat/completions", {
      headers: { authorization: "Bearer sk-own", "openai-organization": "org-mine" },
      body: JSON.stringify(chat),
    });
    expect(own.seen?.headers["openai-organization"]).toBe("org-mine");
  });

  it("scrubs the held key from response headers and bodies (JSON, and SSE with the key split across chunks)", async () => {
    const { key } = await createKey(tg, { app: "echo", provider: "openai" });
    const client = new OpenAI({ apiKey: key, baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
    const { data, response } = await client.chat.completions.create(chat as OpenAI.ChatCompletionCreateParamsNonStreaming).withResponse();
    expect(upstream.seen[upstream.seen.length - 1]!.headers.authorization).toBe(`Bearer ${HELD_OPENAI}`);
    expect(response.headers.get("x-echo-auth")).toBe(`Bearer ${"*".repeat(HELD_OPENAI.length)}`);
    expect(data.choices[0]!.message.content).toBe(`you sent Bearer ${"*".repeat(HELD_OPENAI.length)}`);

    const stream = await client.chat.completions.create({ ...chat, stream: true } as OpenAI.ChatCompletionCreateParamsStreaming);
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(`you sent Bearer ${"*".repeat(HELD_OPENAI.length)}`);

    // A client using its own key gets its own key back: nothing of Tollgate's is in it.
    const own = await send("/openai/v1/chat/completions", { headers: { authorization: "Bearer sk-own-key" }, body: JSON.stringify(chat) });
    expect(own.text).toContain("you sent Bearer sk-own-key");
  });

  it("resolves dot segments, and refuses paths that climb out of the provider's base path (400)", async () => {
    const { key } = await createKey(tg, { app: "dots", provider: "openai" });
    // node:http sends the path as written (fetch would resolve the dots itself)
    const raw = (path: string, authorization: string) =>
      new Promise<number>((resolve, reject) => {
        const { hostname, port } = new URL(tg.url);
        const req = request({ hostname, port, path, headers: { authorization } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end();
      });
    for (const path of [
      "/openai/../v1/models",
      "/openai/%2e%2e/v1/models",
      "/openai/v1/../../x",
      "/openai/v1/..%2f..%2fx",
      "/openai/./../x",
    ]) {
      const before = upstream.seen.length;
      expect(await raw(path, "Bearer sk-own"), path).toBe(400);
      expect(upstream.seen.length, path).toBe(before);
    }
    expect(await raw("/openai/v1/x/../models", `Bearer ${key}`)).toBe(200);
    expect(upstream.seen[upstream.seen.length - 1]!.url).toBe("/base/v1/models");
  });
});

describe("TOLLGATE_REQUIRE_VIRTUAL_KEY", () => {
  it("refuses calls without a virtual key (401 in the provider's shape) and admits keyed ones", async () => {
    const strict = await startReplica(db, {
      OPENAI_API_KEY: HELD_OPENAI,
      TOLLGATE_UPSTREAM_OPENAI: upstream.url,
      TOLLGATE_REQUIRE_VIRTUAL_KEY: "true",
    });
    try {
      const before = upstream.seen.length;
      const res = await fetch(`${strict.url}/openai/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer sk-own", "content-type": "application/json" },
        body: JSON.stringify(chat),
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe("auth_failed");
      expect(upstream.seen.length).toBe(before);
      const { key } = await createKey(strict, { app: "strict", provider: "openai" });
      const ok = await fetch(`${strict.url}/openai/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(chat),
      });
      expect(ok.status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANTHROPIC_MODEL, ANTHROPIC_TEXT, startFakeAnthropic } from "../../support/fake-anthropic.ts";
import { GEMINI_TEXT, GEMINI_USAGE, startFakeGemini } from "../../support/fake-gemini.ts";
import { FAKE_TEXT, FAKE_USAGE, startFakeOpenAi } from "../../support/fake-openai.ts";
import { RESPONSES_MODEL, RESPONSES_TEXT, RESPONSES_USAGE, startFakeResponses } from "../../support/fake-responses.ts";
import type { FakeServer } from "../../support/fake-server.ts";
import { eventually, startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";

const OPENAI_KEY = "sk-test-bodies-openai-0123456789";
const PASTED = "sk-proj-pastedIntoPrompt_ABCDEFGH12345678";
const MAX = 2048;

let fakes: { openai: FakeServer; anthropic: FakeServer; gemini: FakeServer; responses: FakeServer };

beforeAll(async () => {
  const [openai, anthropic, gemini, responses] = await Promise.all([
    startFakeOpenAi(),
    startFakeAnthropic(),
    startFakeGemini(),
    startFakeResponses(),
  ]);
  fakes = { openai, anthropic, gemini, responses };
});
afterAll(async () => {
  await Promise.all(Object.values(fakes ?? {}).map((f) => f.close()));
});

function start(mode: string | undefined): Promise<TestTollgate> {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-bodies-"));
  writeFileSync(
    join(dir, "config.json"),
    JSON.stringify({ providers: [{ name: "resp", baseUrl: fakes.responses.url, format: "openai" }] }),
  );
  return startTestTollgate({
    TOLLGATE_UPSTREAM_OPENAI: fakes.openai.url,
    TOLLGATE_UPSTREAM_ANTHROPIC: fakes.anthropic.url,
    TOLLGATE_UPSTREAM_GEMINI: fakes.gemini.url,
    TOLLGATE_CONFIG: join(dir, "config.json"),
    OPENAI_API_KEY: "sk-held-openai-key-for-bodies-99887766",
    TOLLGATE_BODY_MAX_BYTES: String(MAX),
    ...(mode === undefined ? {} : { TOLLGATE_LOG_BODIES: mode }),
  });
}

type Detail = Record<string, unknown> & { requestBody: string | null; responseBody: string | null };

async function detail(tg: TestTollgate, id: string, withBody = true): Promise<Detail> {
  return eventually(async () => {
    await tg.tollgate.recorder.flush();
    await tg.tollgate.bodies.recorder?.flush();
    const res = await fetch(`${tg.url}/api/calls/${id}`);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    const body = (await res.json()) as Detail;
    if (withBody && body.responseBody === null) throw new Error("no body yet");
    return body;
  });
}

const callId = (headers: Headers | Record<string, string> | undefined): string =>
  (headers instanceof Headers ? headers.get("x-tollgate-call-id") : headers?.["x-tollgate-call-id"]) ?? "";

describe("TOLLGATE_LOG_BODIES=all", () => {
  let tg: TestTollgate;
  let openai: OpenAI;
  beforeAll(async () => {
    tg = await start("all");
    openai = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
  });
  afterAll(async () => tg?.close());

  it("stores a JSON call's request (secrets redacted) and response as they were", async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `my key is ${PASTED} and ${OPENAI_KEY}` }] })
      .withResponse();
    const call = await detail(tg, callId(response.headers));
    expect(call.requestBody).not.toContain(PASTED);
    expect(call.requestBody).not.toContain(OPENAI_KEY);
    expect(JSON.parse(call.requestBody!)).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "my key is [redacted] and [redacted]" }],
    });
    expect(JSON.parse(call.responseBody!)).toEqual(JSON.parse(JSON.stringify(data)));
    expect(call).toMatchObject({
      responseAssembled: false,
      requestTruncated: false,
      responseTruncated: false,
      request: { method: "POST", path: "/v1/chat/completions", query: null },
    });
    // Only replay-safe headers: never the key.
    expect(JSON.stringify(call.request)).not.toContain(OPENAI_KEY);
    expect((call.request as { headers: Record<string, string> }).headers["content-type"]).toBe("application/json");
    expect((call.request as { headers: Record<string, string> }).headers.authorization).toBeUndefined();
  });

  it("stores an OpenAI chat stream as the assembled completion with its final usage", async () => {
    const { response, data: stream } = await openai.chat.completions
      .create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    for await (const _ of stream) void _;
    const call = await detail(tg, callId(response.headers));
    const body = JSON.parse(call.responseBody!) as Record<string, unknown>;
    expect(call.responseAssembled).toBe(true);
    expect(body).toMatchObject({
      object: "chat.completion",
      model: "gpt-4o-mini-2024-07-18",
      choices: [{ index: 0, message: { role: "assistant", content: FAKE_TEXT.join("") }, finish_reason: "stop" }],
      usage: FAKE_USAGE,
    });
    expect(call.responseBody).not.toContain("data:");
  });

  it("stores a Responses API stream as the final response", async () => {
    const client = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `${tg.url}/resp/v1`, maxRetries: 0 });
    const { response, data: stream } = await client.responses.create({ model: RESPONSES_MODEL, input: "hi", stream: true }).withResponse();
    for await (const _ of stream) void _;
    const call = await detail(tg, callId(response.headers));
    const body = JSON.parse(call.responseBody!) as { output: Array<{ content: Array<{ text: string }> }>; usage: unknown; status: string };
    expect(body.status).toBe("completed");
    expect(body.output[0]!.content[0]!.text).toBe(RESPONSES_TEXT.join(""));
    expect(body.usage).toEqual(RESPONSES_USAGE);
  });

  it("stores an Anthropic stream as the assembled message", async () => {
    const anthropic = new Anthropic({ apiKey: "sk-ant-test-bodies-1234567890", baseURL: `${tg.url}/anthropic`, maxRetries: 0 });
    const stream = anthropic.messages.stream({ model: ANTHROPIC_MODEL, max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
    const final = await stream.finalMessage();
    const { response } = await stream.withResponse();
    const call = await detail(tg, callId(response.headers));
    const body = JSON.parse(call.responseBody!) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: "message",
      role: "assistant",
      model: final.model,
      content: [{ type: "text", text: ANTHROPIC_TEXT.join("") }],
      stop_reason: final.stop_reason,
    });
    expect((body.usage as { output_tokens: number }).output_tokens).toBe(final.usage.output_tokens);
    expect((call.request as { headers: Record<string, string> }).headers["anthropic-version"]).toBe(
      fakes.anthropic.seen[fakes.anthropic.seen.length - 1]!.headers["anthropic-version"],
    );
  });

  it("stores a Gemini stream as one GenerateContentResponse, and keeps the query without the key", async () => {
    const gemini = new GoogleGenAI({ apiKey: "AIzaTestGeminiKey_0123456789abcdefgh", httpOptions: { baseUrl: `${tg.url}/gemini` } });
    let id = "";
    for await (const chunk of await gemini.models.generateContentStream({ model: "gemini-2.5-flash", contents: "hi" }))
      id = callId(chunk.sdkHttpResponse?.headers) || id;
    const call = await detail(tg, id);
    const body = JSON.parse(call.responseBody!) as {
      candidates: Array<{ content: { parts: Array<{ text: string }> }; finishReason: string }>;
      usageMetadata: unknown;
    };
    expect(body.candidates[0]!.content.parts).toEqual([{ text: GEMINI_TEXT.join("") }]);
    expect(body.candidates[0]!.finishReason).toBe("STOP");
    expect(body.usageMetadata).toEqual(GEMINI_USAGE);
    expect((call.request as { query: string }).query).toBe("alt=sse");

    const viaQuery = await fetch(
      `${tg.url}/gemini/v1beta/models/gemini-2.5-flash:generateContent?key=AIzaTestGeminiKey_0123456789abcdefgh`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
      },
    );
    const keyed = await detail(tg, viaQuery.headers.get("x-tollgate-call-id")!);
    expect((keyed.request as { query: string | null }).query).toBeNull();
  });

  it("cuts each body to TOLLGATE_BODY_MAX_BYTES", async () => {
    const long = "é".repeat(3000); // 6000 bytes of UTF-8
    const { response } = await openai.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: long }] })
      .withResponse();
    const call = await detail(tg, callId(response.headers));
    expect(call.requestTruncated).toBe(true);
    expect(Buffer.byteLength(call.requestBody!)).toBeLessThanOrEqual(MAX);
    expect(Buffer.byteLength(call.requestBody!)).toBeGreaterThan(MAX - 4);
    expect(call.requestBody!.endsWith("é")).toBe(true);
  });

  it("stores the error a failed call got", async () => {
    const failed = await openai.chat.completions.create({ model: "gpt-4o-mini-500", messages: [{ role: "user", content: "hi" }] }).then(
      () => {
        throw new Error("should fail");
      },
      (e: unknown) => e as { headers: Headers },
    );
    const call = await detail(tg, callId(failed.headers));
    expect(call.outcome).toBe("upstream_error");
    expect(JSON.parse(call.responseBody!)).toHaveProperty("error");
  });
});

describe("TOLLGATE_LOG_BODIES=errors", () => {
  let tg: TestTollgate;
  beforeAll(async () => (tg = await start("errors")));
  afterAll(async () => tg?.close());

  it("stores failed calls' bodies only", async () => {
    const openai = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
    const failed = await openai.chat.completions.create({ model: "gpt-4o-mini-429", messages: [{ role: "user", content: "hi" }] }).then(
      () => {
        throw new Error("should fail");
      },
      (e: unknown) => e as { headers: Headers },
    );
    const bad = await detail(tg, callId(failed.headers));
    expect(JSON.parse(bad.requestBody!)).toMatchObject({ model: "gpt-4o-mini-429" });
    expect(bad.responseBody).toContain("rate_limit_exceeded");
    const { response } = await openai.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    const ok = await detail(tg, callId(response.headers), false);
    expect(ok).toMatchObject({ outcome: "ok", requestBody: null, responseBody: null, request: null });
    const { rows } = await tg.tollgate.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM call_bodies");
    expect(rows[0]!.n).toBe(1);
  });
});

describe("TOLLGATE_LOG_BODIES unset (off)", () => {
  let tg: TestTollgate;
  beforeAll(async () => (tg = await start(undefined)));
  afterAll(async () => tg?.close());

  it("stores no body at all", async () => {
    expect(tg.tollgate.bodies.recorder).toBeUndefined();
    const openai = new OpenAI({ apiKey: OPENAI_KEY, baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
    const { response } = await openai.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    await openai.chat.completions.create({ model: "gpt-4o-mini-500", messages: [{ role: "user", content: "hi" }] }).catch(() => {});
    const call = await detail(tg, callId(response.headers), false);
    expect(call).toMatchObject({ requestBody: null, responseBody: null });
    await eventually(async () => {
      const { rows } = await tg.tollgate.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM calls");
      expect(rows[0]!.n).toBe(2);
    });
    const { rows } = await tg.tollgate.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM call_bodies");
    expect(rows[0]!.n).toBe(0);
  });
});

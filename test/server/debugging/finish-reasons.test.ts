import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { Mistral } from "@mistralai/mistralai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANTHROPIC_MODEL, startFakeAnthropic } from "../../support/fake-anthropic.ts";
import { startFakeGemini } from "../../support/fake-gemini.ts";
import { startFakeMistral } from "../../support/fake-mistral.ts";
import { startFakeOllama } from "../../support/fake-ollama.ts";
import { startFakeOpenAi } from "../../support/fake-openai.ts";
import { startFakeResponses, RESPONSES_MODEL } from "../../support/fake-responses.ts";
import type { FakeServer } from "../../support/fake-server.ts";
import { eventually, startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";

// Every format's finish reasons, JSON and streamed, through the real proxy with the official SDKs (Ollama's
// native API has none in Node: plain fetch, as its clients post): recorded on the call, shown by the API.

let fakes: FakeServer[];
let tg: TestTollgate;

beforeAll(async () => {
  fakes = await Promise.all([
    startFakeOpenAi(),
    startFakeAnthropic(),
    startFakeGemini(),
    startFakeMistral(),
    startFakeOllama(),
    startFakeResponses(),
  ]);
  const [openai, anthropic, gemini, mistral, ollama, responses] = fakes as [
    FakeServer,
    FakeServer,
    FakeServer,
    FakeServer,
    FakeServer,
    FakeServer,
  ];
  const configPath = join(mkdtempSync(join(tmpdir(), "tollgate-config-")), "tollgate.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      providers: [
        { name: "ollama", baseUrl: `${ollama.url}/ollama` },
        { name: "respapi", baseUrl: responses.url, format: "openai" },
      ],
    }),
  );
  tg = await startTestTollgate({
    TOLLGATE_CONFIG: configPath,
    TOLLGATE_UPSTREAM_OPENAI: openai.url,
    TOLLGATE_UPSTREAM_ANTHROPIC: anthropic.url,
    TOLLGATE_UPSTREAM_GEMINI: gemini.url,
    TOLLGATE_UPSTREAM_MISTRAL: mistral.url,
  });
});
afterAll(async () => {
  await tg?.close();
  await Promise.all((fakes ?? []).map((f) => f.close()));
});

/** The call's detail as the API serves it, once recorded. */
async function callDetail(id: string | null | undefined): Promise<Record<string, unknown>> {
  expect(id).toBeTruthy();
  return eventually(async () => {
    await tg.tollgate.recorder.flush();
    const res = await fetch(`${tg.url}/api/calls/${id}`);
    if (res.status !== 200) throw new Error(`call ${id}: ${res.status}`);
    const body = (await res.json()) as { call?: Record<string, unknown> } & Record<string, unknown>;
    return body.call ?? body;
  });
}

/** The newest call of a provider and endpoint (for SDKs that do not expose response headers). */
async function lastCall(provider: string, endpoint: string): Promise<Record<string, unknown>> {
  return eventually(async () => {
    const calls = (await tg.calls()).filter((c) => c.provider === provider && c.endpoint === endpoint);
    if (calls.length === 0) throw new Error(`no ${provider} ${endpoint} call`);
    return calls[calls.length - 1]!;
  });
}

const messages = [{ role: "user" as const, content: "hi" }];

describe("finish reasons", () => {
  it("OpenAI chat completions: choices[].finish_reason, JSON and stream", async () => {
    const client = new OpenAI({ apiKey: "sk-test-finish-1234567890", baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages }).withResponse();
    expect((await callDetail(response.headers.get("x-tollgate-call-id"))).finishReasons).toEqual(["stop"]);
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true }).withResponse();
    let finish: string | null = null;
    for await (const chunk of stream.data) finish = chunk.choices[0]?.finish_reason ?? finish;
    expect(finish).toBe("stop");
    expect((await callDetail(stream.response.headers.get("x-tollgate-call-id"))).finishReasons).toEqual(["stop"]);
  });

  it("OpenAI Responses API: status, or why it is incomplete, JSON and stream", async () => {
    const client = new OpenAI({ apiKey: "sk-test-finish-1234567890", baseURL: `${tg.url}/respapi/v1`, maxRetries: 0 });
    const done = await client.responses.create({ model: RESPONSES_MODEL, input: "hi" }).withResponse();
    expect((await callDetail(done.response.headers.get("x-tollgate-call-id"))).finishReasons).toEqual(["completed"]);
    const cut = await client.responses.create({ model: `${RESPONSES_MODEL}-incomplete`, input: "hi" }).withResponse();
    expect(cut.data.status).toBe("incomplete");
    expect((await callDetail(cut.response.headers.get("x-tollgate-call-id"))).finishReasons).toEqual(["max_output_tokens"]);
    const stream = await client.responses.create({ model: `${RESPONSES_MODEL}-incomplete`, input: "hi", stream: true }).withResponse();
    for await (const event of stream.data) void event;
    expect((await callDetail(stream.response.headers.get("x-tollgate-call-id"))).finishReasons).toEqual(["max_output_tokens"]);
    const completed = await client.responses.create({ model: RESPONSES_MODEL, input: "hi", stream: true }).withResponse();
    for await (const event of completed.data) void event;
    expect((await callDetail(completed.response.headers.get("x-tollgate-call-id"))).finishReasons).toEqual(["completed"]);
  });

  it("Anthropic: stop_reason of the message, and of the stream's message_delta", async () => {
    const client = new Anthropic({ apiKey: "sk-ant-test-finish-1234567890", baseURL: `${tg.url}/anthropic`, maxRetries: 0 });
    const { response } = await client.messages.create({ model: ANTHROPIC_MODEL, max_tokens: 50, messages }).withResponse();
    expect((await callDetail(response.headers.get("x-tollgate-call-id"))).finishReasons).toEqual(["end_turn"]);
    const stream = client.messages.stream({ model: ANTHROPIC_MODEL, max_tokens: 50, messages });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe("end_turn");
    const { response: streamed } = await stream.withResponse();
    expect((await callDetail(streamed.headers.get("x-tollgate-call-id"))).finishReasons).toEqual(["end_turn"]);
  });

  it("Gemini: candidates[].finishReason, JSON and stream", async () => {
    const ai = new GoogleGenAI({ apiKey: "AIzaTestGeminiKey_0123456789abcdefgh", httpOptions: { baseUrl: `${tg.url}/gemini` } });
    await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
    expect((await lastCall("gemini", "generateContent")).finishReasons).toEqual(["STOP"]);
    const stream = await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "hi" });
    for await (const chunk of stream) void chunk;
    expect((await lastCall("gemini", "streamGenerateContent")).finishReasons).toEqual(["STOP"]);
  });

  it("Mistral: choices[].finish_reason, JSON and stream", async () => {
    const client = new Mistral({ apiKey: "mistral-test-secret-abcdef", serverURL: `${tg.url}/mistral`, retryConfig: { strategy: "none" } });
    await client.chat.complete({ model: "mistral-large-2512", messages });
    const json = await lastCall("mistral", "chat.completions");
    expect(json.stream).toBe(false);
    expect(json.finishReasons).toEqual(["stop"]);
    const stream = await client.chat.stream({ model: "mistral-large-2512", messages });
    for await (const event of stream) void event;
    const streamed = await lastCall("mistral", "chat.completions");
    expect(streamed.stream).toBe(true);
    expect(streamed.finishReasons).toEqual(["stop"]);
  });

  it("Ollama's native API: done_reason of the final object, whole and streamed (NDJSON)", async () => {
    for (const stream of [false, true]) {
      const res = await fetch(`${tg.url}/ollama/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "llama3.2", messages, stream }),
      });
      await res.arrayBuffer();
      const call = await callDetail(res.headers.get("x-tollgate-call-id"));
      expect(call.stream).toBe(stream);
      expect(call.finishReasons).toEqual(["stop"]);
    }
  });

  it("calls that say none record an empty list", async () => {
    const res = await fetch(`${tg.url}/openai/v1/models`, { headers: { authorization: "Bearer sk-test-finish-1234567890" } });
    await res.arrayBuffer();
    expect((await callDetail(res.headers.get("x-tollgate-call-id"))).finishReasons).toEqual([]);
  });
});

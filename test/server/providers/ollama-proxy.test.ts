import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { callById, onlyCall } from "../../support/calls.ts";
import { EMBED_COUNT, FIRST_TOKEN_DELAY_MS, OLLAMA_TEXT, startFakeOllama } from "../../support/fake-ollama.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";

// Ollama is declared as any OpenAI-compatible provider; its native paths are metered by their own adapter.
const tg = useProxyFixture({
  fake: startFakeOllama,
  config: (fake) => ({
    providers: [{ name: "ollama", baseUrl: `${fake.url}/ollama` }],
    prices: [
      { provider: "ollama", model: "llama3.2", effectiveFrom: "2026-01-01T00:00:00Z", inputUsdPerMTok: "0.10", outputUsdPerMTok: "0.20" },
    ],
  }),
});

const messages = [{ role: "user", content: "Why is the sky blue?" }];
// llama3.2 at the config's price: 26 × 0.10 + 282 × 0.20 = 2.6 + 56.4 → $0.000059 per call
const LLAMA_COST = "0.000059";
const REPORTED = { inputTokens: 26, outputTokens: 282, usageSource: "reported" };

/** Posts to Tollgate's ollama route and reads the body as a client would: every chunk as it arrives. */
async function post(
  path: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string | null; id: string | null; bytes: Buffer; chunks: number; cut: boolean }> {
  const res = await fetch(`${tg.url}/ollama${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const parts: Uint8Array[] = [];
  let cut = false;
  try {
    for await (const part of res.body as AsyncIterable<Uint8Array>) parts.push(part);
  } catch {
    cut = true;
  }
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    id: res.headers.get("x-tollgate-call-id"),
    bytes: Buffer.concat(parts),
    chunks: parts.length,
    cut,
  };
}

const streamedText = (bytes: Buffer) =>
  bytes
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const o = JSON.parse(l) as { message?: { content: string }; response?: string };
      return o.message?.content ?? o.response ?? "";
    })
    .join("");

describe("Ollama native API", () => {
  it("/api/chat streams NDJSON by default: bytes pass unchanged, usage from the done line, time to the first content line, unpriced model", async () => {
    const r = await post("/api/chat", { model: "qwen3:8b", messages });
    expect(r.status).toBe(200);
    expect(r.type).toBe("application/x-ndjson");
    expect(r.bytes.equals(tg.fake.sent.get("qwen3:8b")!)).toBe(true);
    expect(streamedText(r.bytes)).toBe(OLLAMA_TEXT.join(""));
    const call = await callById(tg, r.id);
    expect(call).toMatchObject({
      provider: "ollama",
      endpoint: "chat",
      model: "qwen3:8b",
      responseModel: "qwen3:8b",
      stream: true,
      outcome: "ok",
      ...REPORTED,
      costUsd: null,
      priced: false,
    });
    // The first line (no content) came at once; the first token FIRST_TOKEN_DELAY_MS later.
    expect(call.ttftMs).toBeGreaterThanOrEqual(FIRST_TOKEN_DELAY_MS - 10);
    expect(call.latencyMs as number).toBeGreaterThanOrEqual(call.ttftMs as number);
  });

  it("a stream whose chunks split lines and a multi-byte character mid-way parses the same and passes byte for byte", async () => {
    const r = await post("/api/chat", { model: "llama3.2", messages, stream: true }, { "x-fake-split": "1" });
    expect(r.chunks).toBeGreaterThan(5);
    expect(r.bytes.equals(tg.fake.sent.get("llama3.2")!)).toBe(true);
    expect(streamedText(r.bytes)).toBe(OLLAMA_TEXT.join(""));
    const call = await callById(tg, r.id);
    expect(call).toMatchObject({ endpoint: "chat", model: "llama3.2", stream: true, ...REPORTED, costUsd: LLAMA_COST, priced: true });
    expect(call.ttftMs).toBeGreaterThanOrEqual(FIRST_TOKEN_DELAY_MS - 10);
  });

  it("/api/generate streamed and with stream: false, priced from a TOLLGATE_CONFIG custom price", async () => {
    const streamed = await post("/api/generate", { model: "llama3.2", prompt: "Why is the sky blue?" });
    expect(streamed.bytes.equals(tg.fake.sent.get("llama3.2")!)).toBe(true);
    const whole = await post("/api/generate", { model: "llama3.2", prompt: "Why is the sky blue?", stream: false });
    expect(whole.type).toContain("application/json");
    expect(whole.bytes.equals(tg.fake.sent.get("llama3.2")!)).toBe(true);
    expect((JSON.parse(whole.bytes.toString()) as { response: string }).response).toBe(OLLAMA_TEXT.join(""));
    const s = await callById(tg, streamed.id);
    const w = await callById(tg, whole.id);
    expect(s).toMatchObject({ endpoint: "generate", stream: true, ...REPORTED, costUsd: LLAMA_COST });
    expect(s.ttftMs).toBeGreaterThanOrEqual(FIRST_TOKEN_DELAY_MS - 10);
    expect(w).toMatchObject({
      endpoint: "generate",
      stream: false,
      responseModel: "llama3.2",
      ...REPORTED,
      costUsd: LLAMA_COST,
      priced: true,
    });
  });

  it("/api/embed: input tokens from prompt_eval_count", async () => {
    const r = await post("/api/embed", { model: "all-minilm", input: ["Why is the sky blue?", "Why is the grass green?"] });
    expect(r.bytes.equals(tg.fake.sent.get("all-minilm")!)).toBe(true);
    const call = await callById(tg, r.id);
    expect(call).toMatchObject({
      endpoint: "embed",
      model: "all-minilm",
      stream: false,
      inputTokens: EMBED_COUNT,
      outputTokens: 0,
      usageSource: "reported",
      priced: false,
    });
  });

  it("a model that is not there: 404 passed through and recorded as bad_request with Ollama's message", async () => {
    const r = await post("/api/chat", { model: "missing-model", messages });
    expect(r.status).toBe(404);
    expect(r.bytes.equals(tg.fake.sent.get("missing-model")!)).toBe(true);
    const call = await callById(tg, r.id);
    expect(call).toMatchObject({
      endpoint: "chat",
      stream: true,
      status: 404,
      outcome: "bad_request",
      errorMessage: 'model "missing-model" not found, try pulling it first',
      usageSource: "none",
    });
  });

  it("an error line mid-stream (after HTTP 200) is recorded as upstream_error with its message", async () => {
    const r = await post("/api/generate", { model: "llama3.2-error", prompt: "Hi" });
    expect(r.status).toBe(200);
    expect(r.bytes.equals(tg.fake.sent.get("llama3.2-error")!)).toBe(true);
    const call = await callById(tg, r.id);
    expect(call).toMatchObject({
      status: 200,
      outcome: "upstream_error",
      errorMessage: "an error was encountered while running the model",
    });
  });

  it("a stream cut before its done line: the client sees the cut, tokens are estimated from the request and the text that passed", async () => {
    const r = await post("/api/chat", { model: "llama3.2-cut", messages });
    expect(r.cut).toBe(true);
    expect(streamedText(r.bytes)).toBe(OLLAMA_TEXT.join(""));
    const call = await onlyCall(tg, (c) => c.model === "llama3.2-cut");
    expect(call).toMatchObject({
      endpoint: "chat",
      stream: true,
      outcome: "network_error",
      errorType: "stream_cut",
      usageSource: "estimated",
    });
    expect(call.inputTokens).toBeGreaterThan(0);
    expect(call.outputTokens).toBeGreaterThan(0);
  });

  it("Ollama's OpenAI-compatible /v1 on the same provider still goes through the OpenAI adapter", async () => {
    const client = new OpenAI({ apiKey: "ollama", baseURL: `${tg.url}/ollama/v1`, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: "llama3.2", messages: [{ role: "user", content: "Why is the sky blue?" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(OLLAMA_TEXT.join(""));
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ endpoint: "chat.completions", ...REPORTED, costUsd: LLAMA_COST });
  });

  it("other native paths are forwarded and recorded unmetered", async () => {
    const res = await fetch(`${tg.url}/ollama/api/tags`);
    expect(res.status).toBe(404);
    const call = await callById(tg, res.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ endpoint: "/api/tags", usageSource: "none" });
  });
});

import { describe, expect, it } from "vitest";
import { anthropic, normalizeAnthropicUsage } from "../../../server/src/providers/anthropic/adapter.ts";
import { azure } from "../../../server/src/providers/azure/adapter.ts";
import { gemini, normalizeGeminiUsage } from "../../../server/src/providers/gemini/adapter.ts";
import { adapterFor } from "../../../server/src/providers/index.ts";
import { mistral } from "../../../server/src/providers/mistral/adapter.ts";
import { chatInputText } from "../../../server/src/providers/openai/input.ts";
import { normalizeOpenAiUsage, openai } from "../../../server/src/providers/openai/adapter.ts";
import { DROP, PASS, TOKEN, type ParsedRequest, type ProviderAdapter, type RequestInfo } from "../../../server/src/providers/types.ts";

const req = (path: string, json?: Record<string, unknown>, method = "POST"): ParsedRequest => ({ method, path, query: "", json });
const info = (adapter: ProviderAdapter, path: string, json?: Record<string, unknown>): RequestInfo => adapter.inspect(req(path, json));
const ZERO = { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0 };

/** Feeds SSE events (event name, JSON data) to a fresh meter; returns the verdicts and the meter. */
function meter(adapter: ProviderAdapter, i: RequestInfo, events: Array<[string | undefined, unknown]>, hideUsage = false) {
  const m = adapter.createStreamMeter(i, hideUsage);
  const verdicts = events.map(([event, data]) =>
    m.onEvent(event, data === undefined ? undefined : typeof data === "string" ? data : JSON.stringify(data)),
  );
  return { m, verdicts };
}

describe("registry", () => {
  it("has one adapter per wire format, and none for a format it does not know", () => {
    expect(adapterFor("openai")).toBe(openai);
    expect(adapterFor("anthropic")).toBe(anthropic);
    expect(adapterFor("gemini")).toBe(gemini);
    expect(adapterFor("mistral")).toBe(mistral);
    expect(adapterFor("azure")).toBe(azure);
    expect(() => adapterFor("nope")).toThrow('no adapter for wire format "nope"');
    expect(() => adapterFor("ollama")).toThrow(); // served beside OpenAI, not a route's format
  });
});

describe("Anthropic", () => {
  // From the Messages API docs: input_tokens excludes the cache reads and writes.
  const usage = {
    input_tokens: 50,
    cache_creation_input_tokens: 1500,
    cache_read_input_tokens: 9000,
    cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 500 },
    output_tokens: 700,
    output_tokens_details: { thinking_tokens: 400 },
    service_tier: "priority",
  };

  it("normalizes usage: input = input + cache reads + cache writes; 1h writes apart; thinking as reasoning", () => {
    expect(normalizeAnthropicUsage(usage)).toEqual({
      inputTokens: 10550,
      cachedInputTokens: 9000,
      cacheWriteTokens: 1500,
      cacheWrite1hTokens: 500,
      outputTokens: 700,
      reasoningTokens: 400,
    });
    // without the TTL split, every write is a 5-minute write
    expect(normalizeAnthropicUsage({ input_tokens: 10, cache_creation_input_tokens: 20, output_tokens: 5 })).toEqual({
      ...ZERO,
      inputTokens: 30,
      cacheWriteTokens: 20,
      outputTokens: 5,
    });
  });

  it("reads JSON bodies: usage, model, service tier; errors by type", () => {
    const i = info(anthropic, "/v1/messages", { model: "claude-opus-4-5", messages: [] });
    expect(i).toEqual({ endpoint: "messages", metered: true, model: "claude-opus-4-5", stream: false, deployment: null });
    expect(
      anthropic.factsFromJson(i, { id: "msg_1", type: "message", model: "claude-opus-4-5-20251101", content: [], usage }),
    ).toMatchObject({ responseModel: "claude-opus-4-5-20251101", serviceTier: "priority", usage: { inputTokens: 10550 } });
    expect(
      anthropic.factsFromJson(i, { type: "error", error: { type: "overloaded_error", message: "Overloaded" }, request_id: "req_1" }),
    ).toEqual({ errorType: "overloaded_error", errorMessage: "Overloaded" });
    expect(info(anthropic, "/v1/messages/count_tokens", { model: "m" })).toMatchObject({
      endpoint: "messages.count_tokens",
      metered: false,
    });
  });

  it("overwrites stream usage with the cumulative message_delta, never adds", () => {
    const i = info(anthropic, "/v1/messages", { model: "m", stream: true });
    const { m, verdicts } = meter(anthropic, i, [
      [
        "message_start",
        {
          type: "message_start",
          message: {
            model: "claude-x",
            usage: { input_tokens: 50, cache_read_input_tokens: 9000, cache_creation_input_tokens: 0, output_tokens: 1 },
          },
        },
      ],
      ["ping", { type: "ping" }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: " there" } }],
      ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 10 } }],
      [
        "message_delta",
        { type: "message_delta", delta: {}, usage: { input_tokens: 50, cache_read_input_tokens: 9000, output_tokens: 12 } },
      ],
      ["message_stop", { type: "message_stop" }],
    ]);
    expect(verdicts).toEqual([PASS, PASS, TOKEN, PASS, PASS, PASS, PASS]);
    expect(m.facts()).toMatchObject({
      responseModel: "claude-x",
      usage: { ...ZERO, inputTokens: 9050, cachedInputTokens: 9000, outputTokens: 12 },
    });
    expect(m.outputText()).toBe("Hi there");
  });

  it("reports a stream cut before message_delta as partial usage", () => {
    const { m } = meter(anthropic, info(anthropic, "/v1/messages", { stream: true }), [
      ["message_start", { type: "message_start", message: { usage: { input_tokens: 7, output_tokens: 1 } } }],
    ]);
    expect(m.facts().usage).toBeUndefined();
    expect(m.facts().partialUsage).toEqual({ ...ZERO, inputTokens: 7, outputTokens: 1 });
  });

  it("answers its own errors in Anthropic's shape", () => {
    expect(JSON.parse(anthropic.errorBody("budget_blocked", "over budget", 429))).toEqual({
      type: "error",
      error: { type: "rate_limit_error", message: "over budget" },
    });
  });

  it("estimates input from system, messages and tools", () => {
    const { text, messages } = anthropic.inputText!(
      {
        system: [{ type: "text", text: "Be kind." }],
        messages: [
          { role: "user", content: [{ type: "text", text: "Hello" }] },
          { role: "assistant", content: "Hi" },
        ],
      },
      info(anthropic, "/v1/messages"),
    );
    expect(messages).toBe(2);
    expect(text).toBe("Be kind.\nuser\nHello\nassistant\nHi");
  });
});

describe("Gemini", () => {
  const usage = {
    promptTokenCount: 1000,
    cachedContentTokenCount: 600,
    candidatesTokenCount: 80,
    thoughtsTokenCount: 120,
    toolUsePromptTokenCount: 30,
    totalTokenCount: 1230,
  };

  it("normalizes usageMetadata: prompt includes cached; output = candidates + thoughts", () => {
    expect(normalizeGeminiUsage(usage)).toEqual({
      ...ZERO,
      inputTokens: 1030,
      cachedInputTokens: 600,
      outputTokens: 200,
      reasoningTokens: 120,
    });
  });

  it("takes the model from the path (Gemini API and Vertex), never reading the query", () => {
    expect(info(gemini, "/v1beta/models/gemini-2.5-flash:generateContent")).toEqual({
      endpoint: "generateContent",
      metered: true,
      model: "gemini-2.5-flash",
      stream: false,
      deployment: null,
    });
    expect(info(gemini, "/v1beta/models/gemini-2.5-pro:streamGenerateContent")).toMatchObject({
      endpoint: "streamGenerateContent",
      stream: true,
      model: "gemini-2.5-pro",
    });
    expect(
      info(gemini, "/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.0-flash-001:generateContent"),
    ).toMatchObject({ model: "gemini-2.0-flash-001", metered: true });
    expect(info(gemini, "/v1beta/models/gemini-2.5-flash:countTokens")).toMatchObject({ endpoint: "countTokens", metered: false });
    expect(info(gemini, "/v1beta/models")).toMatchObject({ endpoint: "/v1beta/models", metered: false, model: null });
  });

  it("keeps the last running totals of a stream (not their sum); a stream without a finishReason is partial", () => {
    const i = info(gemini, "/v1beta/models/g:streamGenerateContent");
    const chunk = (text: string, candidates: number, finishReason?: string) => ({
      candidates: [{ content: { parts: [{ text }], role: "model" }, index: 0, ...(finishReason ? { finishReason } : {}) }],
      usageMetadata: { ...usage, candidatesTokenCount: candidates },
      modelVersion: "gemini-2.5-flash",
      responseId: "r1",
    });
    const done = meter(gemini, i, [
      [undefined, chunk("Hel", 1)],
      [undefined, chunk("lo", 2)],
      [undefined, chunk("!", 80, "STOP")],
    ]);
    expect(done.verdicts).toEqual([TOKEN, PASS, PASS]);
    expect(done.m.facts()).toMatchObject({
      responseModel: "gemini-2.5-flash",
      requestId: "r1",
      usage: { inputTokens: 1030, outputTokens: 200 },
    });
    expect(done.m.outputText()).toBe("Hello!");
    const cut = meter(gemini, i, [
      [undefined, chunk("Hel", 1)],
      [undefined, chunk("lo", 2)],
    ]);
    expect(cut.m.facts().usage).toBeUndefined();
    expect(cut.m.facts().partialUsage).toMatchObject({ inputTokens: 1030, outputTokens: 122 });
  });

  it("records an error object sent inside a 200 stream", () => {
    const { m } = meter(gemini, info(gemini, "/v1beta/models/g:streamGenerateContent"), [
      [undefined, { candidates: [{ content: { parts: [{ text: "Hi" }] }, index: 0 }], usageMetadata: { promptTokenCount: 4 } }],
      [undefined, { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } }],
    ]);
    expect(m.facts()).toMatchObject({
      errorType: "UNAVAILABLE",
      errorMessage: "The model is overloaded.",
      partialUsage: { inputTokens: 4 },
    });
  });

  it("reads a JSON array stream, errors by status, and Vertex trafficType", () => {
    const i = info(gemini, "/v1beta/models/g:streamGenerateContent");
    expect(
      gemini.factsFromJson(i, [
        { usageMetadata: { promptTokenCount: 5 } },
        { usageMetadata: { ...usage, trafficType: "ON_DEMAND_FLEX" }, modelVersion: "gemini-2.5-flash" },
      ]),
    ).toMatchObject({ usage: { inputTokens: 1030 }, serviceTier: "flex" });
    expect(gemini.factsFromJson(i, { error: { code: 429, message: "Resource has been exhausted", status: "RESOURCE_EXHAUSTED" } })).toEqual(
      { errorType: "RESOURCE_EXHAUSTED", errorMessage: "Resource has been exhausted" },
    );
    expect(JSON.parse(gemini.errorBody("unauthorized", "bad key", 401))).toEqual({
      error: { code: 401, message: "bad key", status: "UNAUTHENTICATED" },
    });
  });

  it("meters embedContent and batchEmbedContents (Gemini API and Vertex): input from usageMetadata, estimated from the texts without it", () => {
    const batch = info(gemini, "/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(batch).toEqual({
      endpoint: "batchEmbedContents",
      metered: true,
      model: "gemini-embedding-001",
      stream: false,
      deployment: null,
    });
    const single = info(gemini, "/v1beta/models/gemini-embedding-001:embedContent");
    expect(single).toMatchObject({ endpoint: "embedContent", metered: true, stream: false });
    expect(info(gemini, "/v1beta1/publishers/google/models/gemini-embedding-2:embedContent")).toMatchObject({
      endpoint: "embedContent",
      metered: true,
      model: "gemini-embedding-2",
    });
    expect(info(gemini, "/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent")).toMatchObject({ metered: false });
    expect(gemini.inspect(req("/v1beta/models/gemini-embedding-001:embedContent", undefined, "GET"))).toMatchObject({ metered: false });
    expect(
      gemini.factsFromJson(batch, {
        embeddings: [{ values: [0.1] }, { values: [0.2] }],
        usageMetadata: { promptTokenCount: 14, promptTokenDetails: [{ modality: "TEXT", tokenCount: 14 }] },
      }),
    ).toEqual({ usage: { ...ZERO, inputTokens: 14 } });
    expect(
      gemini.factsFromJson(single, {
        embedding: { values: [0.1] },
        usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 },
        truncated: false,
      }),
    ).toEqual({ usage: { ...ZERO, inputTokens: 7 } });
    expect(gemini.factsFromJson(single, { embedding: { values: [0.1] } })).toEqual({ outputText: "" });
    const parts = (text: string) => ({ parts: [{ text }] });
    expect(
      gemini.inputText!(
        {
          requests: [
            { model: "models/m", content: parts("a") },
            { model: "models/m", content: parts("b"), title: "T" },
          ],
        },
        batch,
      ),
    ).toEqual({ text: "a\nT\nb\n", messages: 0 });
    expect(gemini.inputText!({ content: parts("hello") }, single)).toEqual({ text: "hello\n", messages: 0 });
  });

  it("reads an embeddings answer's usageMetadata without parsing its vectors; anything else is parsed whole", () => {
    const batch = info(gemini, "/v1beta/models/gemini-embedding-001:batchEmbedContents");
    const single = info(gemini, "/v1/projects/p/locations/l/publishers/google/models/gemini-embedding-2:embedContent");
    const vectors = Array.from({ length: 3 }, (_, i) => ({ values: [0.5 * i, -1e-7, 3] }));
    const read = (i: RequestInfo, body: unknown, indent?: number) =>
      gemini.factsFromBody!(i, Buffer.from(JSON.stringify(body, null, indent)));
    const usageMetadata = { promptTokenCount: 21, promptTokenDetails: [{ modality: "TEXT", tokenCount: 21 }] };
    expect(read(batch, { embeddings: vectors, usageMetadata }, 2)).toEqual({ usage: { ...ZERO, inputTokens: 21 } });
    expect(read(batch, { usageMetadata, embeddings: vectors })).toEqual({ usage: { ...ZERO, inputTokens: 21 } });
    expect(
      read(single, {
        embedding: vectors[0],
        usageMetadata: { promptTokenCount: 4, totalTokenCount: 4, trafficType: "ON_DEMAND" },
        truncated: false,
      }),
    ).toEqual({ usage: { ...ZERO, inputTokens: 4 }, serviceTier: "on_demand" });
    // braces inside strings do not end the object
    expect(
      read(batch, {
        embeddings: vectors,
        usageMetadata: { promptTokenDetails: [{ modality: 'T}E{XT"}', tokenCount: 2 }], promptTokenCount: 2 },
      }),
    ).toEqual({ usage: { ...ZERO, inputTokens: 2 } });
    // no usage (older answers): nothing reported, so the call is estimated
    expect(read(batch, { embeddings: vectors })).toEqual({});
    // errors, cut bodies and other endpoints fall back to a full parse
    expect(read(batch, { error: { code: 400, message: "bad", status: "INVALID_ARGUMENT" } })).toBeUndefined();
    expect(gemini.factsFromBody!(batch, Buffer.from('{"embeddings": [], "usageMetadata": {"promptTokenCount": 3'))).toBeUndefined();
    expect(gemini.factsFromBody!(batch, Buffer.from('{"embeddings": [], "usageMetadata": null}'))).toBeUndefined();
    expect(read(info(gemini, "/v1beta/models/g:generateContent"), { usageMetadata })).toBeUndefined();
  });
});

describe("OpenAI and the OpenAI-compatible crowd", () => {
  const chat = info(openai, "/v1/chat/completions", { model: "gpt-4o", messages: [] });

  it("normalizes chat usage: details are subsets of the totals", () => {
    expect(
      normalizeOpenAiUsage({
        prompt_tokens: 100,
        completion_tokens: 50,
        prompt_tokens_details: { cached_tokens: 40 },
        completion_tokens_details: { reasoning_tokens: 20 },
      }),
    ).toEqual({ ...ZERO, inputTokens: 100, cachedInputTokens: 40, outputTokens: 50, reasoningTokens: 20 });
  });

  it("keeps a JSON reply's text for estimation when it carries no usage", () => {
    const facts = openai.factsFromJson(chat, {
      model: "llama",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "Hello",
            tool_calls: [{ type: "function", function: { name: "f", arguments: '{"a":1}' } }],
          },
        },
      ],
    });
    expect(facts).toMatchObject({ responseModel: "llama", outputText: 'Hello{"a":1}' });
    expect(facts.usage).toBeUndefined();
  });

  it("reads DeepSeek's cache-hit fields, Groq's x_groq.usage and OpenRouter's cost", () => {
    expect(
      normalizeOpenAiUsage({ prompt_tokens: 3000, completion_tokens: 10, prompt_cache_hit_tokens: 2000, prompt_cache_miss_tokens: 1000 }),
    ).toMatchObject({ inputTokens: 3000, cachedInputTokens: 2000 });
    expect(
      openai.factsFromJson(chat, { model: "llama", x_groq: { id: "x", usage: { prompt_tokens: 5, completion_tokens: 6 } } }),
    ).toMatchObject({ usage: { inputTokens: 5, outputTokens: 6 } });
    expect(
      openai.factsFromJson(chat, { model: "m", usage: { prompt_tokens: 5, completion_tokens: 6, cost: 0.000215 } }).reportedCostUsd,
    ).toBe("0.000215");
    // bring-your-own-key: OpenRouter's fee plus what the upstream provider billed
    expect(
      openai.factsFromJson(chat, {
        model: "m",
        usage: { prompt_tokens: 5, completion_tokens: 6, cost: 0.00001, is_byok: true, cost_details: { upstream_inference_cost: 0.0002 } },
      }).reportedCostUsd,
    ).toBe("0.00021");
  });

  it("chat streams: the usage-only chunk is dropped when hidden; Azure's choices: [] filter chunk without usage is not", () => {
    const azureFilter = {
      choices: [],
      created: 0,
      id: "",
      model: "",
      object: "",
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }],
    };
    const content = {
      id: "c",
      object: "chat.completion.chunk",
      model: "gpt-4o-2024-11-20",
      choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: null }],
      usage: null,
    };
    const usageChunk = {
      id: "c",
      object: "chat.completion.chunk",
      model: "gpt-4o-2024-11-20",
      choices: [],
      usage: { prompt_tokens: 9, completion_tokens: 1 },
    };
    const { m, verdicts } = meter(
      azure,
      chat,
      [
        [undefined, azureFilter],
        [undefined, content],
        [undefined, usageChunk],
        [undefined, "[DONE]"],
      ],
      true,
    );
    expect(verdicts).toEqual([PASS, TOKEN, DROP, PASS]);
    expect(m.facts()).toMatchObject({ responseModel: "gpt-4o-2024-11-20", usage: { inputTokens: 9, outputTokens: 1 } });
    expect(m.outputText()).toBe("Hi");
  });

  it("OpenRouter: comment blocks (no data) pass untouched", () => {
    const { verdicts } = meter(openai, chat, [[undefined, undefined]], true);
    expect(verdicts).toEqual([PASS]);
  });

  it("Responses: usage from the terminal event; deltas are the output text", () => {
    const i = info(openai, "/v1/responses", { model: "gpt-5", stream: true });
    const response = {
      id: "resp_1",
      model: "gpt-5-2025-08-07",
      service_tier: "priority",
      usage: {
        input_tokens: 10,
        input_tokens_details: { cached_tokens: 4 },
        output_tokens: 7,
        output_tokens_details: { reasoning_tokens: 3 },
      },
    };
    const { m, verdicts } = meter(openai, i, [
      ["response.created", { type: "response.created", response: { ...response, usage: null } }],
      ["response.output_text.delta", { type: "response.output_text.delta", delta: "Hel" }],
      ["response.output_text.delta", { type: "response.output_text.delta", delta: "lo" }],
      ["response.completed", { type: "response.completed", response }],
    ]);
    expect(verdicts).toEqual([PASS, TOKEN, PASS, PASS]);
    expect(m.facts()).toMatchObject({
      responseModel: "gpt-5-2025-08-07",
      serviceTier: "priority",
      usage: { ...ZERO, inputTokens: 10, cachedInputTokens: 4, outputTokens: 7, reasoningTokens: 3 },
    });
    expect(m.outputText()).toBe("Hello");
  });

  it("Azure: asks for stream usage only from api-versions that accept stream_options", () => {
    const body = '{"model":"gpt-4o","stream":true,"messages":[]}';
    const inspect = (query: string) =>
      azure.inspect({ method: "POST", path: "/openai/deployments/d/chat/completions", query, json: JSON.parse(body) });
    expect(azure.prepareBody!(inspect("api-version=2024-06-01"), body, JSON.parse(body))).toBeUndefined();
    expect(azure.prepareBody!(inspect("api-version=2024-10-21"), body, JSON.parse(body))?.hideUsage).toBe(true);
    expect(azure.prepareBody!(inspect("api-version=2025-04-01-preview"), body, JSON.parse(body))?.hideUsage).toBe(true);
    expect(azure.prepareBody!(inspect(""), body, JSON.parse(body))?.hideUsage).toBe(true);
  });

  it("Azure: the deployment from a dated path or a v1 body", () => {
    expect(info(azure, "/openai/deployments/prod-4o/chat/completions", { messages: [] })).toEqual({
      endpoint: "chat.completions",
      metered: true,
      model: "prod-4o",
      stream: false,
      deployment: "prod-4o",
    });
    expect(info(azure, "/openai/v1/chat/completions", { model: "prod-4o" })).toMatchObject({ model: "prod-4o", deployment: "prod-4o" });
    expect(info(azure, "/openai/deployments/emb/embeddings", { input: "x" })).toMatchObject({ endpoint: "embeddings", deployment: "emb" });
  });

  it("estimates input: chat messages, Responses input and instructions, embeddings texts without overhead", () => {
    // pieces the model reads apart (role, content) are separated by PIECE_BREAK and encoded one by one
    expect(chatInputText({ messages: [{ role: "user", content: "Hi" }] }, chat)).toEqual({ text: "user\0Hi\0", messages: 1 });
    expect(chatInputText({ input: "Hi", instructions: "Be brief." }, info(openai, "/v1/responses"))).toEqual({
      text: "system\0Be brief.\0user\0Hi\0",
      messages: 2,
    });
    expect(chatInputText({ input: ["a", "b"] }, info(openai, "/v1/embeddings"))).toEqual({ text: "a\nb\n", messages: 0 });
  });
});

describe("Mistral", () => {
  it("never rewrites the request and reads the flat error shape", () => {
    expect(mistral.prepareBody).toBeUndefined();
    const i = info(mistral, "/v1/chat/completions", { model: "mistral-large-latest", stream: true });
    expect(
      mistral.factsFromJson(i, {
        object: "error",
        message: "Requests rate limit exceeded",
        type: "rate_limited",
        param: null,
        code: "1300",
      }),
    ).toEqual({ errorType: "rate_limited", errorMessage: "Requests rate limit exceeded" });
    expect(
      mistral.factsFromJson(i, {
        id: "x",
        model: "mistral-large-2512",
        choices: [],
        usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, service_tier: "priority" },
      }),
    ).toMatchObject({ serviceTier: "priority", usage: { inputTokens: 3, outputTokens: 4 } });
    expect(JSON.parse(mistral.errorBody("budget_blocked", "over budget", 429))).toEqual({
      object: "error",
      message: "over budget",
      type: "rate_limit_error",
      param: null,
      code: "429",
    });
  });

  it("meters FIM: endpoint, model, stream flag; usage from the chat-shaped body and chunks; input from prompt and suffix", () => {
    const i = info(mistral, "/v1/fim/completions", { model: "codestral-latest", prompt: "def f(", suffix: "return x", stream: true });
    expect(i).toEqual({ endpoint: "fim.completions", metered: true, model: "codestral-latest", stream: true, deployment: null });
    expect(mistral.inspect(req("/v1/fim/completions", undefined, "GET"))).toMatchObject({ metered: false });
    const usage = { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 };
    expect(
      mistral.factsFromJson(i, {
        id: "x",
        object: "chat.completion",
        model: "codestral-2508",
        usage,
        created: 1,
        choices: [{ index: 0, message: { role: "assistant", content: "x)" }, finish_reason: "stop" }],
      }),
    ).toMatchObject({ responseModel: "codestral-2508", usage: { inputTokens: 10, outputTokens: 3 } });
    expect(
      mistral.factsFromJson(i, {
        id: "x",
        object: "chat.completion",
        model: "codestral-2508",
        choices: [{ index: 0, message: { role: "assistant", content: "x)" }, finish_reason: "stop" }],
      }),
    ).toMatchObject({ outputText: "x)" });
    const chunk = (content: string, extra: Record<string, unknown> = {}) => ({
      id: "x",
      object: "chat.completion.chunk",
      model: "codestral-2508",
      choices: [{ index: 0, delta: { content }, finish_reason: null }],
      ...extra,
    });
    const { m, verdicts } = meter(mistral, i, [
      [undefined, chunk("x")],
      [undefined, chunk(")", { usage })],
      [undefined, "[DONE]"],
    ]);
    expect(verdicts).toEqual([TOKEN, PASS, PASS]);
    expect(m.facts()).toMatchObject({ responseModel: "codestral-2508", usage: { ...ZERO, inputTokens: 10, outputTokens: 3 } });
    expect(mistral.inputText!({ model: "codestral-latest", prompt: "def f(", suffix: "return x" }, i)).toEqual({
      text: "def f(\nreturn x",
      messages: 0,
    });
    // chat still goes through the OpenAI reading
    expect(info(mistral, "/v1/chat/completions", { model: "m" })).toMatchObject({ endpoint: "chat.completions", metered: true });
  });
});

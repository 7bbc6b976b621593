import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { countTokens } from "../../../server/src/estimation/tokenizer.ts";
import { buildRecord, type Metering } from "../../../server/src/proxy/finish.ts";
import { CallState } from "../../../server/src/proxy/call-state.ts";
import { openai } from "../../../server/src/providers/openai/adapter.ts";
import { callById, onlyCall } from "../../support/calls.ts";
import { FAKE_TEXT, startFakeOpenAi } from "../../support/fake-openai.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";

let client: OpenAI;

const tg = useProxyFixture({ fake: startFakeOpenAi, routes: ["OPENAI"] });

beforeAll(async () => {
  client = new OpenAI({ apiKey: "sk-test", baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
});

const messages = [{ role: "user" as const, content: "Say hello" }];
// OpenAI's rule: the tokens of each message's role and content, 3 tokens per message, 3 to prime the reply
const INPUT_TOKENS = countTokens("user") + countTokens("Say hello") + 3 + 3;

const tools: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: "function",
    function: {
      name: "get_current_weather",
      description: "Get the current weather in a given location",
      parameters: {
        type: "object",
        properties: {
          location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
          unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        },
        required: ["location"],
      },
    },
  },
];
// How OpenAI shows those tools to the model (openai-chat-tokens' and LiteLLM's reading of it)
const TOOLS_TEXT = [
  "namespace functions {",
  "",
  "// Get the current weather in a given location",
  "type get_current_weather = (_: {",
  "// The city and state, e.g. San Francisco, CA",
  "location: string,",
  'unit?: "celsius" | "fahrenheit",',
  "}) => any;",
  "",
  "} // namespace functions",
].join("\n");
const toolCall = '{"location":"Paris, France"}';
const toolResult = '{"temperature":18,"unit":"celsius"}';
const agentMessages: OpenAI.Chat.ChatCompletionMessageParam[] = [
  { role: "user", content: "Weather in Paris?" },
  {
    role: "assistant",
    content: null,
    tool_calls: [{ id: "call_1", type: "function", function: { name: "get_current_weather", arguments: toolCall } }],
  },
  { role: "tool", tool_call_id: "call_1", content: toolResult },
];
const pieces = (...texts: string[]) => texts.reduce((n, t) => n + countTokens(t), 0);
// Three messages (3 each), the tool call (name, arguments, 3 more), the tool result, 3 to prime the reply
const AGENT_TOKENS = pieces("user", "Weather in Paris?", "assistant", "get_current_weather", toolCall, "tool", toolResult) + 3 * 3 + 3 + 3;
// The definitions: their text and 9 tokens (no system message here)
const AGENT_WITH_TOOLS_TOKENS = AGENT_TOKENS + countTokens(TOOLS_TEXT) + 9;

describe("estimated usage", () => {
  it("a provider that sends no usage: input from the messages, output from the streamed text, priced", async () => {
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini-nousage", messages, stream: true });
    for await (const _ of stream) void _;
    const call = await onlyCall(tg, (c) => c.model === "gpt-4o-mini-nousage");
    const outputTokens = countTokens(FAKE_TEXT.join(""));
    expect(call).toMatchObject({
      outcome: "ok",
      usageSource: "estimated",
      inputTokens: INPUT_TOKENS,
      outputTokens,
      cachedInputTokens: 0,
      responseModel: "gpt-4o-mini-2024-07-18",
      priced: true,
    });
    // gpt-4o-mini: 0.15 input, 0.60 output per 1M
    const perMillion = INPUT_TOKENS * 0.15 + outputTokens * 0.6;
    expect(Number(call.costUsd)).toBeCloseTo(perMillion / 1e6, 12);
  });

  it("an agentic call without usage: tool definitions, tool calls and tool results are counted", async () => {
    const run = async (body: OpenAI.Chat.ChatCompletionCreateParamsStreaming) => {
      const { data: stream, response } = await client.chat.completions.create(body).withResponse();
      for await (const _ of stream) void _;
      return callById(tg, response.headers.get("x-tollgate-call-id"));
    };
    const withTools = await run({ model: "gpt-4o-mini-nousage", messages: agentMessages, tools, stream: true });
    const without = await run({ model: "gpt-4o-mini-nousage", messages: agentMessages, stream: true });
    expect(withTools).toMatchObject({
      outcome: "ok",
      usageSource: "estimated",
      inputTokens: AGENT_WITH_TOOLS_TOKENS,
      outputTokens: countTokens(FAKE_TEXT.join("")),
    });
    expect(without).toMatchObject({ usageSource: "estimated", inputTokens: AGENT_TOKENS });
    expect(withTools.inputTokens as number).toBeGreaterThan(without.inputTokens as number);
  });

  it("a client that leaves mid-stream: client_cancelled, estimated from what passed", async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "gpt-4o-mini-slow", messages, stream: true },
      { signal: controller.signal },
    );
    await (async () => {
      for await (const c of stream) if (c.choices[0]?.delta.content) controller.abort();
    })().catch(() => undefined);
    const call = await onlyCall(tg, (c) => c.model === "gpt-4o-mini-slow");
    expect(call).toMatchObject({ outcome: "client_cancelled", usageSource: "estimated", inputTokens: INPUT_TOKENS, priced: true });
    expect(call.outputTokens).toBeGreaterThanOrEqual(countTokens(FAKE_TEXT[0]!));
    expect(call.outputTokens).toBeLessThan(countTokens(FAKE_TEXT.join("")));
  });

  it("an upstream error is not estimated", async () => {
    await client.chat.completions.create({ model: "gpt-4o-mini-500", messages }).catch(() => undefined);
    const call = await onlyCall(tg, (c) => c.model === "gpt-4o-mini-500");
    expect(call).toMatchObject({ outcome: "upstream_error", usageSource: "none", inputTokens: 0, costUsd: "0.0", priced: true });
  });
});

describe("buildRecord", () => {
  function finishedCall(): CallState {
    const call = new CallState(
      "01900000-0000-7000-8000-000000000000",
      Date.now(),
      0,
      { name: "openai", baseUrl: "http://x", format: "openai", priceProvider: "openai", apiKey: undefined },
      openai,
      { app: null, user: null, properties: null },
    );
    call.info = { endpoint: "chat.completions", metered: true, model: "gpt-4o", stream: true, deployment: null };
    call.status = 200;
    call.dispatchedAt = 1;
    call.firstByteAt = 2;
    return call;
  }
  const pricing: Metering["priceCall"] = () => ({ costUsd: "1", priceId: "p", priced: true });

  it("a tokenizer failure never fails the call: it is reported and the call recorded without usage", () => {
    const failures: string[] = [];
    const record = buildRecord(
      finishedCall(),
      {
        priceCall: pricing,
        estimateUsage: () => {
          throw new Error("wasm exploded");
        },
        onFailure: (stage) => failures.push(stage),
      },
      10,
    );
    expect(failures).toEqual(["estimate"]);
    expect(record).toMatchObject({ outcome: "ok", usageSource: "none", costUsd: null, inputTokens: 0 });
  });

  it("estimates a stream cut mid-way but not a network failure that never got a response", () => {
    const estimate = () => ({
      inputTokens: 5,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 2,
      reasoningTokens: 0,
    });
    const cut = finishedCall();
    cut.fail("network_error", "stream_cut", "cut");
    expect(buildRecord(cut, { priceCall: pricing, estimateUsage: estimate, onFailure: () => {} }, 10)).toMatchObject({
      usageSource: "estimated",
      inputTokens: 5,
    });
    const unreachable = finishedCall();
    unreachable.firstByteAt = 0;
    unreachable.status = 502;
    unreachable.fail("network_error", "network_error", "ECONNREFUSED");
    expect(buildRecord(unreachable, { priceCall: pricing, estimateUsage: estimate, onFailure: () => {} }, 10)).toMatchObject({
      usageSource: "none",
      inputTokens: 0,
    });
  });
});

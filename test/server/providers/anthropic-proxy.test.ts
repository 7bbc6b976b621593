import Anthropic from "@anthropic-ai/sdk";
import { beforeAll, describe, expect, it } from "vitest";
import { countTokens } from "../../../server/src/estimation/tokenizer.ts";
import { callById, onlyCall } from "../../support/calls.ts";
import { ANTHROPIC_MODEL, ANTHROPIC_TEXT, ANTHROPIC_USAGE, startFakeAnthropic } from "../../support/fake-anthropic.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";

let client: Anthropic;

const tg = useProxyFixture({ fake: startFakeAnthropic, routes: ["ANTHROPIC"] });

beforeAll(async () => {
  client = new Anthropic({
    apiKey: "sk-ant-test-secret-123456",
    baseURL: `${tg.url}/anthropic`,
    maxRetries: 0,
    defaultHeaders: { "x-tollgate-app": "support-bot" },
  });
});

const messages = [{ role: "user" as const, content: "Say hello" }];

// claude-sonnet-4.5 per 1M: 3 input, 0.30 cache read, 3.75 5m write, 6 1h write, 15 output.
// 1,200 × 3 + 20,000 × 0.30 + 2,000 × 3.75 + 1,000 × 6 + 500 × 15 = 3,600 + 6,000 + 7,500 + 6,000 + 7,500
// = 30,600 per 1M → $0.0306
const EXPECTED_COST = "0.0306";
const EXPECTED_TOKENS = {
  inputTokens: 24200, // 1,200 uncached + 20,000 cache reads + 3,000 cache writes
  cachedInputTokens: 20000,
  cacheWriteTokens: 3000,
  cacheWrite1hTokens: 1000,
  outputTokens: 500,
  reasoningTokens: 200,
};

describe("Anthropic messages through the proxy", () => {
  it("records a JSON call once with exact tokens and cost", async () => {
    const { data, response } = await client.messages
      .create({ model: "claude-sonnet-4-5-20250929", max_tokens: 1024, messages })
      .withResponse();
    expect(data.usage.input_tokens).toBe(ANTHROPIC_USAGE.input_tokens);
    expect(data.content.find((b) => b.type === "text")).toMatchObject({ text: ANTHROPIC_TEXT.join("") });
    const upstream = tg.fake.seen[tg.fake.seen.length - 1]!;
    // SDK 1.x sends the key as a Bearer token; the headers reach Anthropic as the SDK sent them.
    expect(upstream.headers.authorization).toBe("Bearer sk-ant-test-secret-123456");
    expect(upstream.headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(upstream.headers["x-tollgate-app"]).toBeUndefined();

    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({
      provider: "anthropic",
      endpoint: "messages",
      model: "claude-sonnet-4-5-20250929",
      responseModel: ANTHROPIC_MODEL,
      app: "support-bot",
      stream: false,
      status: 200,
      outcome: "ok",
      ...EXPECTED_TOKENS,
      usageSource: "reported",
      costUsd: EXPECTED_COST,
      priced: true,
      serviceTier: "standard",
      upstreamRequestId: expect.stringMatching(/^req_011/),
    });
  });

  it("prices a long-context call (total input above 200k, cache reads included) at the tier rates", async () => {
    const { response } = await client.messages
      .create({ model: "claude-sonnet-4-5-20250929-long", max_tokens: 10, messages })
      .withResponse();
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    // above 200k every token is at 6 input, 0.60 cache read, 22.50 output:
    // 150,000 × 6 + 60,000 × 0.60 + 1,000 × 22.50 = 900,000 + 36,000 + 22,500 = 958,500 per 1M → $0.9585
    expect(call).toMatchObject({
      inputTokens: 210000,
      cachedInputTokens: 60000,
      outputTokens: 1000,
      responseModel: ANTHROPIC_MODEL,
      costUsd: "0.9585",
    });
  });

  it("records a stream once: message_start counts overwritten by the cumulative message_delta, never added", async () => {
    const { data: stream, response } = await client.messages
      .create({ model: "claude-sonnet-4-5-20250929", max_tokens: 1024, messages, stream: true })
      .withResponse();
    let text = "";
    let finalUsage: Anthropic.MessageDeltaUsage | undefined;
    for await (const event of stream) {
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
      if (event.type === "message_delta") finalUsage = event.usage;
    }
    expect(text).toBe(ANTHROPIC_TEXT.join(""));
    expect(finalUsage?.output_tokens).toBe(500);
    const id = response.headers.get("x-tollgate-call-id");
    const call = await callById(tg, id);
    expect(call).toMatchObject({ stream: true, outcome: "ok", ...EXPECTED_TOKENS, usageSource: "reported", costUsd: EXPECTED_COST });
    expect(call.ttftMs).toBeGreaterThan(0);
    expect((await tg.calls()).filter((c) => c.id === id)).toHaveLength(1);
  });

  it("works with the SDK's MessageStream helper", async () => {
    const message = await client.messages.stream({ model: "claude-sonnet-4-5-20250929", max_tokens: 1024, messages }).finalMessage();
    expect(message.usage.output_tokens).toBe(500);
    expect(message.usage.cache_read_input_tokens).toBe(20000);
  });

  it("records 429 as rate_limited and 500 and 529 (overloaded) as upstream_error, with the error's type", async () => {
    const cases = [
      ["claude-sonnet-4-5-429", 429, "rate_limited", "rate_limit_error"],
      ["claude-sonnet-4-5-500", 500, "upstream_error", "api_error"],
      ["claude-sonnet-4-5-529", 529, "upstream_error", "overloaded_error"],
    ] as const;
    for (const [model, status, outcome, errorType] of cases) {
      const err = (await client.messages.create({ model, max_tokens: 10, messages }).catch((e: unknown) => e)) as InstanceType<
        typeof Anthropic.APIError
      >;
      expect(err).toBeInstanceOf(Anthropic.APIError);
      expect(err.status).toBe(status);
      const call = await callById(tg, err.headers?.get("x-tollgate-call-id"));
      expect(call).toMatchObject({
        status,
        outcome,
        errorType,
        usageSource: "none",
        costUsd: "0.0",
        priced: true,
        ttftMs: null,
        upstreamRequestId: `req_011err${status}`,
      });
      expect(call.errorMessage).toBeTruthy();
    }
  });

  it("records an `event: error` after HTTP 200 as failed with the error's type and message", async () => {
    const stream = await client.messages.create({ model: "claude-sonnet-4-5-streamerror", max_tokens: 10, messages, stream: true });
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const call = await onlyCall(tg, (c) => c.model === "claude-sonnet-4-5-streamerror");
    expect(call).toMatchObject({ status: 200, outcome: "upstream_error", errorType: "overloaded_error", errorMessage: "Overloaded" });
  });

  it("records a stream cut mid-way: input as message_start reported it, output estimated from the text that passed", async () => {
    const stream = await client.messages.create({ model: "claude-sonnet-4-5-cut", max_tokens: 10, messages, stream: true });
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const call = await onlyCall(tg, (c) => c.model === "claude-sonnet-4-5-cut");
    const outputTokens = countTokens(ANTHROPIC_TEXT.slice(0, 2).join(""));
    expect(outputTokens).toBe(2);
    expect(call).toMatchObject({
      outcome: "network_error",
      errorType: "stream_cut",
      usageSource: "estimated",
      inputTokens: 24200,
      cachedInputTokens: 20000,
      cacheWriteTokens: 3000,
      cacheWrite1hTokens: 1000,
      outputTokens,
      // 3,600 + 6,000 + 7,500 + 6,000 + 2 × 15 = 23,130 per 1M
      costUsd: "0.02313",
    });
  });

  it("forwards count_tokens unmetered", async () => {
    const { data, response } = await client.messages.countTokens({ model: "claude-sonnet-4-5-20250929", messages }).withResponse();
    expect(data.input_tokens).toBe(42);
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ endpoint: "messages.count_tokens", outcome: "ok", usageSource: "none", inputTokens: 0, costUsd: null });
  });

  it("never stores the client's API key", async () => {
    const { rows } = await tg.db.pool.query("SELECT * FROM calls");
    expect(rows.length).toBeGreaterThan(5);
    expect(JSON.stringify(rows)).not.toContain("sk-ant-test-secret");
  });
});

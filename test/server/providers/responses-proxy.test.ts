import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { countTokens, TOKENS_PER_MESSAGE } from "../../../server/src/estimation/tokenizer.ts";
import { callById, onlyCall } from "../../support/calls.ts";
import { RESPONSES_MODEL, RESPONSES_TEXT, RESPONSES_USAGE, startFakeResponses } from "../../support/fake-responses.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";

let client: OpenAI;

const tg = useProxyFixture({ fake: startFakeResponses, routes: ["OPENAI"] });

beforeAll(async () => {
  client = new OpenAI({ apiKey: "sk-resp-secret-0123456789", baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
});

// gpt-5-mini per 1M: 0.25 input, 0.025 cached, 2.00 output (reasoning included):
// 1,000 × 0.25 + 1,000 × 0.025 + 500 × 2.00 = 250 + 25 + 1,000 = 1,275 per 1M → $0.001275
const EXPECTED_COST = "0.001275";
const EXPECTED_TOKENS = { inputTokens: 2000, cachedInputTokens: 1000, outputTokens: 500, reasoningTokens: 300 };

describe("OpenAI Responses through the proxy", () => {
  it("records a JSON response once with exact tokens and cost", async () => {
    const { data, response } = await client.responses.create({ model: "gpt-5-mini", input: "Say something" }).withResponse();
    expect(data.output_text).toBe(RESPONSES_TEXT.join(""));
    expect(data.usage).toEqual(RESPONSES_USAGE);
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({
      endpoint: "responses",
      model: "gpt-5-mini",
      responseModel: RESPONSES_MODEL,
      stream: false,
      outcome: "ok",
      ...EXPECTED_TOKENS,
      usageSource: "reported",
      costUsd: EXPECTED_COST,
      serviceTier: "default",
    });
  });

  it("records a stream from its response.completed event, unchanged for the client", async () => {
    const { data: stream, response } = await client.responses
      .create({ model: "gpt-5-mini", input: "Say something", stream: true })
      .withResponse();
    let text = "";
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") completed = event.response;
    }
    expect(text).toBe(RESPONSES_TEXT.join(""));
    expect(completed?.usage).toEqual(RESPONSES_USAGE);
    expect(JSON.parse(tg.fake.seen[tg.fake.seen.length - 1]!.body)).toEqual({ model: "gpt-5-mini", input: "Say something", stream: true });
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ stream: true, outcome: "ok", ...EXPECTED_TOKENS, usageSource: "reported", costUsd: EXPECTED_COST });
    expect(call.ttftMs).toBeGreaterThan(0);
  });

  it("prices the flex service tier the response reports at half the standard rate", async () => {
    const { response } = await client.responses.create({ model: "gpt-5-mini", input: "x", service_tier: "flex" }).withResponse();
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ serviceTier: "flex", ...EXPECTED_TOKENS, costUsd: "0.0006375" });
  });

  it("records response.failed and the error event as upstream_error with the error's code", async () => {
    for (const model of ["gpt-5-mini-failed", "gpt-5-mini-error"]) {
      const stream = await client.responses.create({ model, input: "x", stream: true });
      await (async () => {
        for await (const _ of stream) void _;
      })().catch(() => undefined);
      const call = await onlyCall(tg, (c) => c.model === model);
      expect(call).toMatchObject({ status: 200, outcome: "upstream_error", errorType: "server_error" });
      expect(call.errorMessage).toBeTruthy();
    }
  });

  it("records 429 as rate_limited", async () => {
    const err = await client.responses.create({ model: "gpt-5-mini-429", input: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const call = await callById(tg, (err as InstanceType<typeof OpenAI.APIError>).headers?.get("x-tollgate-call-id"));
    expect(call).toMatchObject({
      status: 429,
      outcome: "rate_limited",
      errorType: "rate_limit_exceeded",
      usageSource: "none",
      costUsd: "0.0",
      priced: true,
      ttftMs: null,
    });
  });

  it("records a stream cut before response.completed with tokens estimated from the request and the text that passed", async () => {
    const input = [{ role: "user" as const, content: "Tell me about metering" }];
    const stream = await client.responses.create({ model: "gpt-5-mini-cut", input, instructions: "Be brief.", stream: true });
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const call = await onlyCall(tg, (c) => c.model === "gpt-5-mini-cut");
    const outputTokens = countTokens(RESPONSES_TEXT.slice(0, 2).join(""));
    expect(call).toMatchObject({
      outcome: "network_error",
      usageSource: "estimated",
      outputTokens,
      responseModel: RESPONSES_MODEL,
      priced: true,
    });
    // two messages (instructions as system, the user item): each role and content, 3 tokens each, 3 for the reply priming
    const pieces = ["system", "Be brief.", "user", "Tell me about metering"];
    expect(call.inputTokens).toBe(pieces.reduce((n, p) => n + countTokens(p), 0) + 2 * TOKENS_PER_MESSAGE + 3);
  });
});

import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countTokens } from "../../../server/src/metering/tokenizer.ts";
import { buildRecord, type Metering } from "../../../server/src/proxy/finish.ts";
import { CallState } from "../../../server/src/proxy/call-state.ts";
import { openai } from "../../../server/src/providers/openai.ts";
import { onlyCall } from "../../support/calls.ts";
import { FAKE_TEXT, startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";

let fake: FakeOpenAi;
let tg: TestTollgate;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  tg = await startTestTollgate({ TOLLGATE_UPSTREAM_OPENAI: fake.url });
  client = new OpenAI({ apiKey: "sk-test", baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await tg?.close();
  await fake?.close();
});

const messages = [{ role: "user" as const, content: "Say hello" }];
// OpenAI's rule: the text of each message (role and content), 3 tokens per message, 3 to prime the reply
const INPUT_TOKENS = countTokens("user\nSay hello\n") + 3 + 3;

describe("estimated usage", () => {
  it("a provider that sends no usage: input from the messages, output from the streamed text, priced", async () => {
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini-nousage", messages, stream: true });
    for await (const _ of stream) void _;
    const call = await onlyCall(tg, (c) => c.model === "gpt-4o-mini-nousage");
    const outputTokens = countTokens(FAKE_TEXT.join(""));
    expect(call).toMatchObject({ outcome: "ok", usageSource: "estimated", inputTokens: INPUT_TOKENS, outputTokens, cachedInputTokens: 0, responseModel: "gpt-4o-mini-2024-07-18", priced: true });
    // gpt-4o-mini: 0.15 input, 0.60 output per 1M
    const perMillion = INPUT_TOKENS * 0.15 + outputTokens * 0.6;
    expect(Number(call.costUsd)).toBeCloseTo(perMillion / 1e6, 12);
  });

  it("a client that leaves mid-stream: client_cancelled, estimated from what passed", async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini-slow", messages, stream: true }, { signal: controller.signal });
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
    expect(call).toMatchObject({ outcome: "upstream_error", usageSource: "none", inputTokens: 0, costUsd: null });
  });
});

describe("buildRecord", () => {
  function finishedCall(): CallState {
    const call = new CallState("01900000-0000-7000-8000-000000000000", Date.now(), 0, { name: "openai", baseUrl: "http://x", format: "openai", priceProvider: "openai", apiKey: undefined }, openai, { app: null, user: null, properties: null });
    call.info = { endpoint: "chat.completions", metered: true, model: "gpt-4o", stream: true, deployment: null };
    call.status = 200;
    call.dispatchedAt = 1;
    call.firstByteAt = 2;
    return call;
  }
  const pricing: Metering["priceCall"] = () => ({ costUsd: "1", priceId: "p", priced: true });

  it("a tokenizer failure never fails the call: it is reported and the call recorded without usage", () => {
    const failures: string[] = [];
    const record = buildRecord(finishedCall(), { priceCall: pricing, estimateUsage: () => { throw new Error("wasm exploded"); }, onFailure: (stage) => failures.push(stage) }, 10, false);
    expect(failures).toEqual(["estimate"]);
    expect(record).toMatchObject({ outcome: "ok", usageSource: "none", costUsd: null, inputTokens: 0 });
  });

  it("estimates a stream cut mid-way but not a network failure that never got a response", () => {
    const estimate = () => ({ inputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, outputTokens: 2, reasoningTokens: 0 });
    const cut = finishedCall();
    cut.fail("network_error", "stream_cut", "cut");
    expect(buildRecord(cut, { priceCall: pricing, estimateUsage: estimate, onFailure: () => {} }, 10, false)).toMatchObject({ usageSource: "estimated", inputTokens: 5 });
    const unreachable = finishedCall();
    unreachable.firstByteAt = 0;
    unreachable.status = 502;
    unreachable.fail("network_error", "network_error", "ECONNREFUSED");
    expect(buildRecord(unreachable, { priceCall: pricing, estimateUsage: estimate, onFailure: () => {} }, 10, false)).toMatchObject({ usageSource: "none", inputTokens: 0 });
  });
});

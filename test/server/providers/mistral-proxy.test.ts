import { HTTPClient, Mistral } from "@mistralai/mistralai";
import { beforeAll, describe, expect, it } from "vitest";
import { onlyCall } from "../../support/calls.ts";
import { countTokens, encodingForModel } from "../../../server/src/estimation/tokenizer.ts";
import { FIM_TEXT, FIM_USAGE, fimSent, MISTRAL_TEXT, MISTRAL_USAGE, startFakeMistral } from "../../support/fake-mistral.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";

let client: Mistral;
/** a client whose fetcher keeps each response's raw body, to compare with what the fake sent */
let tapped: Mistral;
const received: Promise<string>[] = [];
const requested: Promise<string>[] = [];

const tg = useProxyFixture({ fake: startFakeMistral, routes: ["MISTRAL"] });

beforeAll(async () => {
  client = new Mistral({ apiKey: "mistral-test-secret-abcdef", serverURL: `${tg.url}/mistral`, retryConfig: { strategy: "none" } });
  const httpClient = new HTTPClient({
    fetcher: async (input, init) => {
      if (input instanceof Request) requested.push(input.clone().text());
      const res = await (init === undefined ? fetch(input) : fetch(input, init));
      received.push(res.clone().text());
      return res;
    },
  });
  tapped = new Mistral({
    apiKey: "mistral-test-secret-abcdef",
    serverURL: `${tg.url}/mistral`,
    retryConfig: { strategy: "none" },
    httpClient,
  });
});

const messages = [{ role: "user" as const, content: "Dis bonjour" }];
// mistral-large-2512 per 1M: 0.50 input, 0.05 cached input, 1.50 output.
// (2,000 − 500) × 0.50 + 500 × 0.05 + 300 × 1.50 = 750 + 25 + 450 = 1,225 per 1M → $0.001225
const EXPECTED_COST = "0.001225";
const EXPECTED_TOKENS = { inputTokens: 2000, cachedInputTokens: 500, outputTokens: 300, reasoningTokens: 0 };

describe("Mistral through the proxy", () => {
  it("records a chat completion once with exact tokens and cost", async () => {
    const res = await client.chat.complete({ model: "mistral-large-2512", messages });
    expect(res.choices?.[0]?.message?.content).toBe(MISTRAL_TEXT.join(""));
    expect(res.usage?.promptTokens).toBe(MISTRAL_USAGE.prompt_tokens);
    expect(tg.fake.seen[tg.fake.seen.length - 1]!.headers.authorization).toBe("Bearer mistral-test-secret-abcdef");
    const call = await onlyCall(tg, (c) => c.model === "mistral-large-2512" && c.stream === false);
    expect(call).toMatchObject({
      provider: "mistral",
      endpoint: "chat.completions",
      responseModel: "mistral-large-2512",
      outcome: "ok",
      ...EXPECTED_TOKENS,
      usageSource: "reported",
      costUsd: EXPECTED_COST,
      priced: true,
    });
    expect(call.upstreamRequestId).toMatch(/^kong-/);
  });

  it("streams without rewriting the request (Mistral rejects unknown fields) and records the final chunk's usage", async () => {
    const stream = await client.chat.stream({ model: "mistral-large-2512", messages });
    let text = "";
    for await (const event of stream) {
      const content = event.data.choices[0]?.delta.content;
      if (typeof content === "string") text += content;
    }
    expect(text).toBe(MISTRAL_TEXT.join(""));
    const sent = JSON.parse(tg.fake.seen[tg.fake.seen.length - 1]!.body) as Record<string, unknown>;
    expect(sent.stream_options).toBeUndefined();
    const call = await onlyCall(tg, (c) => c.model === "mistral-large-2512" && c.stream === true);
    expect(call).toMatchObject({ outcome: "ok", status: 200, ...EXPECTED_TOKENS, usageSource: "reported", costUsd: EXPECTED_COST });
  });

  it("records embeddings", async () => {
    const res = await client.embeddings.create({ model: "mistral-embed", inputs: ["a", "b"] });
    expect(res.data).toHaveLength(2);
    const call = await onlyCall(tg, (c) => c.endpoint === "embeddings");
    // 16 tokens × $0.10 per 1M
    expect(call).toMatchObject({ model: "mistral-embed", inputTokens: 16, outputTokens: 0, costUsd: "0.0000016", outcome: "ok" });
  });

  it("records the flat error shape: 429 as rate_limited, 500 as upstream_error", async () => {
    for (const [model, status, outcome, errorType] of [
      ["mistral-large-2512-429", 429, "rate_limited", "rate_limited"],
      ["mistral-large-2512-500", 500, "upstream_error", "internal_server_error"],
    ] as const) {
      const err = (await client.chat.complete({ model, messages }).catch((e: unknown) => e)) as { statusCode?: number };
      expect(err).toBeInstanceOf(Error);
      expect(err.statusCode).toBe(status);
      const call = await onlyCall(tg, (c) => c.model === model);
      expect(call).toMatchObject({
        status,
        outcome,
        errorType,
        usageSource: "none",
        costUsd: "0.0",
        priced: true,
        ttftMs: null,
        upstreamRequestId: `kong-${status}`,
      });
      expect(call.errorMessage).toBeTruthy();
    }
  });

  it("records a stream cut mid-way with estimated tokens", async () => {
    const err = await (async () => {
      const stream = await client.chat.stream({ model: "mistral-large-2512-cut", messages });
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const call = await onlyCall(tg, (c) => c.model === "mistral-large-2512-cut");
    expect(call).toMatchObject({
      outcome: "network_error",
      responseModel: "mistral-large-2512",
      usageSource: "estimated",
      cachedInputTokens: 0,
      priced: true,
    });
    expect(call.inputTokens).toBeGreaterThan(0);
    expect(call.outputTokens).toBe(2); // "Bonjour le"
    expect(call.costUsd).not.toBeNull();
  });

  it("never stores the client's API key", async () => {
    const { rows } = await tg.db.pool.query("SELECT * FROM calls");
    expect(JSON.stringify(rows)).not.toContain("mistral-test-secret");
  });

  describe("FIM (Codestral)", () => {
    const prompt = "def add(a, b):\n";
    const suffix = "\nprint(add(1, 2))";
    // codestral-latest per 1M (genai-prices): 0.30 input, 0.90 output.
    // 1,234 × 0.30 + 56 × 0.90 = 370.2 + 50.4 = 420.6 per 1M → $0.0004206
    const FIM_COST = "0.0004206";
    const FIM_TOKENS = {
      inputTokens: FIM_USAGE.prompt_tokens,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: FIM_USAGE.completion_tokens,
      reasoningTokens: 0,
    };

    it("records fim.complete with the reported usage and its exact cost; the client gets the body byte for byte", async () => {
      const res = await tapped.fim.complete({ model: "codestral-latest", prompt, suffix });
      expect(res.choices[0]?.message?.content).toBe(FIM_TEXT.join(""));
      expect(await received[received.length - 1]).toBe(fimSent[fimSent.length - 1]);
      const upstream = tg.fake.seen[tg.fake.seen.length - 1]!;
      expect(upstream.url).toBe("/v1/fim/completions");
      expect(upstream.body).toBe(await requested[requested.length - 1]);
      expect(JSON.parse(upstream.body)).toMatchObject({ model: "codestral-latest", prompt, suffix });
      const call = await onlyCall(tg, (c) => c.endpoint === "fim.completions" && c.stream === false && c.model === "codestral-latest");
      expect(call).toMatchObject({
        provider: "mistral",
        endpoint: "fim.completions",
        model: "codestral-latest",
        responseModel: "codestral-latest",
        status: 200,
        outcome: "ok",
        ...FIM_TOKENS,
        usageSource: "reported",
        costUsd: FIM_COST,
        priced: true,
      });
      expect(call.priceId).toMatch(/codestral/);
    });

    it("records fim.stream from the last chunk's usage, the stream unchanged and the request not rewritten", async () => {
      const stream = await tapped.fim.stream({ model: "codestral-latest", prompt, suffix });
      let text = "";
      for await (const event of stream) {
        const content = event.data.choices[0]?.delta.content;
        if (typeof content === "string") text += content;
      }
      expect(text).toBe(FIM_TEXT.join(""));
      expect(await received[received.length - 1]).toBe(fimSent[fimSent.length - 1]);
      const upstream = tg.fake.seen[tg.fake.seen.length - 1]!.body;
      expect(upstream).toBe(await requested[requested.length - 1]);
      expect(JSON.parse(upstream)).toMatchObject({ model: "codestral-latest", prompt, suffix, stream: true });
      const call = await onlyCall(tg, (c) => c.endpoint === "fim.completions" && c.stream === true);
      expect(call).toMatchObject({
        model: "codestral-latest",
        responseModel: "codestral-latest",
        outcome: "ok",
        ...FIM_TOKENS,
        usageSource: "reported",
        costUsd: FIM_COST,
        priced: true,
      });
      expect(call.ttftMs).toBeGreaterThan(0);
    });

    it("records a model the price table lacks as unpriced, never $0", async () => {
      await tapped.fim.complete({ model: "codestral-2099", prompt });
      const call = await onlyCall(tg, (c) => c.model === "codestral-2099");
      expect(call).toMatchObject({ endpoint: "fim.completions", ...FIM_TOKENS, usageSource: "reported", costUsd: null, priced: false });
    });

    it("estimates a FIM answer without usage from the prompt, the suffix and the filled-in text", async () => {
      const res = await fetch(`${tg.url}/mistral/v1/fim/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer mistral-test-secret-abcdef" },
        body: JSON.stringify({ model: "codestral-latest-nousage", prompt, suffix }),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(fimSent[fimSent.length - 1]);
      const call = await onlyCall(tg, (c) => c.model === "codestral-latest-nousage");
      const encoding = encodingForModel("codestral-latest");
      const inputTokens = countTokens(prompt + "\n" + suffix, encoding);
      const outputTokens = countTokens(FIM_TEXT.join(""), encoding);
      expect([inputTokens, outputTokens]).toEqual([15, 6]);
      // priced by the reported model: 15 × 0.30 + 6 × 0.90 = 4.5 + 5.4 = 9.9 per 1M → $0.0000099
      expect(call).toMatchObject({
        endpoint: "fim.completions",
        responseModel: "codestral-latest",
        usageSource: "estimated",
        inputTokens,
        outputTokens,
        costUsd: "0.0000099",
        priced: true,
      });
    });
  });
});

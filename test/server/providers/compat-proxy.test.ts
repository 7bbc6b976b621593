import OpenAI, { AzureOpenAI } from "openai";
import { describe, expect, it } from "vitest";
import { recomputeCosts } from "../../../server/src/pricing/recompute.ts";
import { callById } from "../../support/calls.ts";
import { AZURE_MODEL, COMPAT_TEXT, startFakeCompat } from "../../support/fake-compat.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";

const AZURE_KEY = "azure-test-secret-0123456789";

// Adding an OpenAI-compatible provider is configuration: a name, a base URL, a format, optional prices.
const tg = useProxyFixture({
  fake: startFakeCompat,
  config: (fake) => ({
    providers: [
      { name: "azure", baseUrl: `${fake.url}/azure`, format: "azure" },
      { name: "groq", baseUrl: `${fake.url}/groq/openai` },
      { name: "deepseek", baseUrl: `${fake.url}/deepseek`, format: "openai" },
      { name: "openrouter", baseUrl: `${fake.url}/openrouter/api` },
      { name: "vllm", baseUrl: `${fake.url}/vllm`, priceProvider: "self-hosted" },
      { name: "ollama", baseUrl: `${fake.url}/ollama` },
    ],
    prices: [
      {
        provider: "self-hosted",
        model: "meta-llama/Llama-3.1-8B-Instruct",
        effectiveFrom: "2026-01-01T00:00:00Z",
        inputUsdPerMTok: "0.10",
        outputUsdPerMTok: "0.20",
      },
      {
        provider: "deepseek",
        model: "deepseek-chat",
        effectiveFrom: "2026-06-01T00:00:00Z",
        inputUsdPerMTok: "0.28",
        cachedInputUsdPerMTok: "0.028",
        outputUsdPerMTok: "0.42",
      },
    ],
  }),
});

const messages = [{ role: "user" as const, content: "Count to three" }];
const openaiClient = (path: string, extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) =>
  new OpenAI({ apiKey: "sk-compat-secret-0123456789", baseURL: `${tg.url}${path}`, maxRetries: 0, ...extra });

async function streamText(
  stream: AsyncIterable<OpenAI.ChatCompletionChunk>,
): Promise<{ text: string; chunks: OpenAI.ChatCompletionChunk[] }> {
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const c of stream) chunks.push(c);
  return { text: chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""), chunks };
}

// gpt-4o per 1M: 2.50 input, 1.25 cached, 10 output: 600 × 2.50 + 400 × 1.25 + 200 × 10 = 1,500 + 500 + 2,000 → $0.004
const AZURE_COST = "0.004";
const AZURE_TOKENS = { inputTokens: 1000, cachedInputTokens: 400, outputTokens: 200 };

describe("Azure OpenAI", () => {
  const azure = () =>
    new AzureOpenAI({ apiKey: AZURE_KEY, endpoint: `${tg.url}/azure`, apiVersion: "2024-10-21", deployment: "prod-gpt4o", maxRetries: 0 });

  it("dated route: deployment from the path, model from the response, api-key forwarded", async () => {
    const { data, response } = await azure().chat.completions.create({ model: "gpt-4o", messages }).withResponse();
    expect(data.choices[0]?.message.content).toBe(COMPAT_TEXT.join(""));
    const upstream = tg.fake.seen[tg.fake.seen.length - 1]!;
    expect(upstream.url).toBe("/azure/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21");
    expect(upstream.headers["api-key"]).toBe(AZURE_KEY);
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({
      provider: "azure",
      endpoint: "chat.completions",
      deployment: "prod-gpt4o",
      responseModel: AZURE_MODEL,
      ...AZURE_TOKENS,
      usageSource: "reported",
      costUsd: AZURE_COST,
      priced: true,
    });
  });

  it("streams: the content-filter chunk (choices: []) passes, the usage chunk is recorded and hidden", async () => {
    const { data, response } = await azure().chat.completions.create({ model: "gpt-4o", messages, stream: true }).withResponse();
    const { text, chunks } = await streamText(data);
    expect(text).toBe(COMPAT_TEXT.join(""));
    expect(chunks[0]).toMatchObject({ choices: [], prompt_filter_results: [expect.anything()] });
    expect(chunks.some((c) => c.usage)).toBe(false);
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({
      stream: true,
      deployment: "prod-gpt4o",
      responseModel: AZURE_MODEL,
      ...AZURE_TOKENS,
      usageSource: "reported",
      costUsd: AZURE_COST,
    });
  });

  it("an api-version older than stream_options is not asked for usage: the stream works and is estimated", async () => {
    const old = new AzureOpenAI({
      apiKey: AZURE_KEY,
      endpoint: `${tg.url}/azure`,
      apiVersion: "2024-06-01",
      deployment: "prod-gpt4o",
      maxRetries: 0,
    });
    const { data, response } = await old.chat.completions.create({ model: "gpt-4o", messages, stream: true }).withResponse();
    expect((await streamText(data)).text).toBe(COMPAT_TEXT.join(""));
    expect(JSON.parse(tg.fake.seen[tg.fake.seen.length - 1]!.body).stream_options).toBeUndefined();
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({
      outcome: "ok",
      usageSource: "estimated",
      responseModel: AZURE_MODEL,
      deployment: "prod-gpt4o",
      outputTokens: 3,
      priced: true,
    });
  });

  it("v1 route: the body's model is the deployment", async () => {
    const client = openaiClient("/azure/openai/v1", { defaultHeaders: { "api-key": AZURE_KEY } });
    const { response } = await client.chat.completions.create({ model: "prod-gpt4o", messages }).withResponse();
    expect(tg.fake.seen[tg.fake.seen.length - 1]!.url).toBe("/azure/openai/v1/chat/completions");
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ model: "prod-gpt4o", deployment: "prod-gpt4o", responseModel: AZURE_MODEL, costUsd: AZURE_COST });
  });

  it("never stores the api-key", async () => {
    const { rows } = await tg.db.pool.query("SELECT * FROM calls");
    expect(JSON.stringify(rows)).not.toContain(AZURE_KEY);
  });
});

describe("OpenAI-compatible providers from config", () => {
  it("Groq: usage from x_groq.usage, JSON and streamed", async () => {
    const client = openaiClient("/groq/v1");
    const model = "llama-3.3-70b-versatile";
    const json = await client.chat.completions.create({ model, messages }).withResponse();
    const { data, response } = await client.chat.completions.create({ model, messages, stream: true }).withResponse();
    expect((await streamText(data)).text).toBe(COMPAT_TEXT.join(""));
    // llama-3.3-70b-versatile per 1M: 0.59 input, 0.79 output: 500 × 0.59 + 100 × 0.79 = 295 + 79 → $0.000374
    for (const id of [json.response.headers.get("x-tollgate-call-id"), response.headers.get("x-tollgate-call-id")]) {
      const call = await callById(tg, id);
      expect(call).toMatchObject({
        provider: "groq",
        model,
        inputTokens: 500,
        outputTokens: 100,
        usageSource: "reported",
        costUsd: "0.000374",
      });
    }
  });

  it("DeepSeek: cache hits from prompt_cache_hit_tokens, priced by a config price row", async () => {
    const { response } = await openaiClient("/deepseek").chat.completions.create({ model: "deepseek-chat", messages }).withResponse();
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    // 1,000 × 0.28 + 2,000 × 0.028 + 400 × 0.42 = 280 + 56 + 168 → $0.000504
    expect(call).toMatchObject({
      provider: "deepseek",
      inputTokens: 3000,
      cachedInputTokens: 2000,
      outputTokens: 400,
      costUsd: "0.000504",
    });
  });

  it("OpenRouter: comment lines ignored, usage.cost is the bill", async () => {
    const { data, response } = await openaiClient("/openrouter/v1")
      .chat.completions.create({ model: "openai/gpt-4o-mini", messages, stream: true })
      .withResponse();
    expect((await streamText(data)).text).toBe(COMPAT_TEXT.join(""));
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    // the price table would say 800 × 0.15 + 150 × 0.60 = $0.00021; OpenRouter charged $0.000215
    expect(call).toMatchObject({
      provider: "openrouter",
      inputTokens: 800,
      outputTokens: 150,
      usageSource: "reported",
      costUsd: "0.000215",
      priced: true,
      priceId: null,
    });
    // a later re-pricing from the table leaves the provider's own charge alone
    const report = await recomputeCosts(tg.db.prisma, tg.tollgate.priceBook, {
      from: new Date(Date.now() - 3_600_000),
      to: new Date(Date.now() + 60_000),
      provider: "openrouter",
    });
    expect(report.examined).toBe(0);
    expect((await callById(tg, call.id as string)).costUsd).toBe("0.000215");
  });

  it("vLLM: plain OpenAI format, stream usage asked for and hidden, priced from config", async () => {
    const client = openaiClient("/vllm/v1");
    const model = "meta-llama/Llama-3.1-8B-Instruct";
    const { data, response } = await client.chat.completions.create({ model, messages, stream: true }).withResponse();
    const { chunks } = await streamText(data);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(JSON.parse(tg.fake.seen[tg.fake.seen.length - 1]!.body).stream_options).toEqual({ include_usage: true });
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    // 70 × 0.10 + 30 × 0.20 = 7 + 6 → $0.000013
    expect(call).toMatchObject({ provider: "vllm", model, inputTokens: 70, outputTokens: 30, costUsd: "0.000013", priced: true });
  });

  it("Ollama /v1: metered; a model without a price is recorded unpriced, never $0", async () => {
    const { response } = await openaiClient("/ollama/v1").chat.completions.create({ model: "llama3.2", messages }).withResponse();
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({
      provider: "ollama",
      inputTokens: 70,
      outputTokens: 30,
      usageSource: "reported",
      costUsd: null,
      priced: false,
    });
  });
});

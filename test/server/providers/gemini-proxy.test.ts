import { ApiError, GoogleGenAI } from "@google/genai";
import { beforeAll, describe, expect, it } from "vitest";
import { countTokens, encodingForModel } from "../../../server/src/estimation/tokenizer.ts";
import { callById, onlyCall } from "../../support/calls.ts";
import { EMBED_TOKENS_PER_CONTENT, embedSent, GEMINI_TEXT, GEMINI_USAGE, startFakeGemini } from "../../support/fake-gemini.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";

let ai: GoogleGenAI;
const KEY = "AIzaSyTestSecretKey0123456789";

const tg = useProxyFixture({ fake: startFakeGemini, routes: ["GEMINI"] });

beforeAll(async () => {
  ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: `${tg.url}/gemini`, headers: { "x-tollgate-app": "search" } } });
});

// gemini-2.5-flash per 1M: 0.30 input, 0.03 cached input, 2.50 output (thinking billed as output).
// (12,000 − 8,000) × 0.30 + 8,000 × 0.03 + (400 + 600) × 2.50 = 1,200 + 240 + 2,500 = 3,940 per 1M → $0.00394
const EXPECTED_COST = "0.00394";
const EXPECTED_TOKENS = { inputTokens: 12000, cachedInputTokens: 8000, cacheWriteTokens: 0, outputTokens: 1000, reasoningTokens: 600 };

describe("Gemini through the proxy", () => {
  it("records generateContent once with exact tokens and cost; the model comes from the path", async () => {
    const response = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "Say hello" });
    expect(response.text).toBe(GEMINI_TEXT.join(""));
    expect(response.usageMetadata?.promptTokenCount).toBe(GEMINI_USAGE.promptTokenCount);
    const upstream = tg.fake.seen[tg.fake.seen.length - 1]!;
    expect(upstream.url).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(upstream.headers["x-goog-api-key"]).toBe(KEY);
    const id = response.sdkHttpResponse?.headers?.["x-tollgate-call-id"];
    const call = await callById(tg, id);
    expect(call).toMatchObject({
      provider: "gemini",
      endpoint: "generateContent",
      model: "gemini-2.5-flash",
      responseModel: "gemini-2.5-flash",
      app: "search",
      stream: false,
      outcome: "ok",
      ...EXPECTED_TOKENS,
      usageSource: "reported",
      costUsd: EXPECTED_COST,
      priced: true,
      upstreamRequestId: expect.stringMatching(/^resp-/),
    });
  });

  it("records streamGenerateContent?alt=sse once with the last running totals (not their sum)", async () => {
    const stream = await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Say hello" });
    let text = "";
    for await (const chunk of stream) text += chunk.text ?? "";
    expect(text).toBe(GEMINI_TEXT.join(""));
    expect(tg.fake.seen[tg.fake.seen.length - 1]!.url).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    const call = await onlyCall(tg, (c) => c.endpoint === "streamGenerateContent" && c.model === "gemini-2.5-flash");
    expect(call).toMatchObject({ stream: true, outcome: "ok", ...EXPECTED_TOKENS, usageSource: "reported", costUsd: EXPECTED_COST });
    expect(call.ttftMs).toBeGreaterThan(0);
  });

  it("records streamGenerateContent without alt=sse (one JSON array) from its last chunk", async () => {
    const res = await fetch(`${tg.url}/gemini/v1beta/models/gemini-2.5-pro:streamGenerateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": KEY },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as unknown[]).length).toBe(GEMINI_TEXT.length);
    const call = await callById(tg, res.headers.get("x-tollgate-call-id"));
    // gemini-2.5-pro: 4,000 × 1.25 + 8,000 × 0.125 + 1,000 × 10 = 5,000 + 1,000 + 10,000 = 16,000 per 1M
    expect(call).toMatchObject({ model: "gemini-2.5-pro", stream: true, ...EXPECTED_TOKENS, costUsd: "0.016" });
  });

  it("forwards ?key= upstream and never records it", async () => {
    const res = await fetch(`${tg.url}/gemini/v1beta/models/gemini-2.5-flash:generateContent?key=${KEY}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(res.status).toBe(200);
    expect(tg.fake.seen[tg.fake.seen.length - 1]!.url).toBe(`/v1beta/models/gemini-2.5-flash:generateContent?key=${KEY}`);
    const listed = await fetch(`${tg.url}/gemini/v1beta/models?key=${KEY}&pageSize=5`);
    expect(listed.status).toBe(404);
    const call = await callById(tg, res.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ endpoint: "generateContent", costUsd: EXPECTED_COST });
    const other = await callById(tg, listed.headers.get("x-tollgate-call-id"));
    expect(other).toMatchObject({ endpoint: "/v1beta/models", outcome: "bad_request", errorType: "NOT_FOUND" });
    const { rows } = await tg.db.pool.query("SELECT * FROM calls");
    expect(JSON.stringify(rows)).not.toContain(KEY);
    const api = await (await fetch(`${tg.url}/api/calls?limit=500`)).text();
    expect(api).not.toContain(KEY);
  });

  it("records 429 (RESOURCE_EXHAUSTED) as rate_limited and 500 as upstream_error", async () => {
    for (const [model, status, outcome, errorType] of [
      ["gemini-2.5-flash-429", 429, "rate_limited", "RESOURCE_EXHAUSTED"],
      ["gemini-2.5-flash-500", 500, "upstream_error", "INTERNAL"],
    ] as const) {
      const err = await ai.models.generateContent({ model, contents: "x" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(status);
      const call = await onlyCall(tg, (c) => c.model === model);
      expect(call).toMatchObject({ status, outcome, errorType, usageSource: "none", costUsd: "0.0", priced: true, ttftMs: null });
      expect(call.errorMessage).toBeTruthy();
    }
  });

  it("records a stream cut mid-way: prompt counts as reported, output estimated from the text that passed", async () => {
    const err = await (async () => {
      const stream = await ai.models.generateContentStream({ model: "gemini-2.5-flash-cut", contents: "Say hello" });
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const call = await onlyCall(tg, (c) => c.model === "gemini-2.5-flash-cut");
    const outputTokens = countTokens(GEMINI_TEXT.slice(0, 2).join(""));
    expect(outputTokens).toBe(2);
    // 4,000 × 0.30 + 8,000 × 0.03 + 2 × 2.50 = 1,200 + 240 + 5 = 1,445 per 1M
    expect(call).toMatchObject({
      outcome: "network_error",
      usageSource: "estimated",
      inputTokens: 12000,
      cachedInputTokens: 8000,
      outputTokens,
      costUsd: "0.001445",
    });
  });

  it("meters Vertex paths and reads trafficType as the service tier", async () => {
    const res = await fetch(
      `${tg.url}/gemini/v1/projects/p1/locations/us-central1/publishers/google/models/gemini-2.5-flash-vertex:generateContent`,
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer ya29.token" },
        body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
      },
    );
    expect(res.status).toBe(200);
    const call = await callById(tg, res.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({
      model: "gemini-2.5-flash-vertex",
      responseModel: "gemini-2.5-flash",
      serviceTier: "on_demand",
      ...EXPECTED_TOKENS,
      costUsd: EXPECTED_COST,
    });
  });

  it("forwards countTokens unmetered", async () => {
    const counted = await ai.models.countTokens({ model: "gemini-2.5-flash", contents: "hi" });
    expect(counted.totalTokens).toBe(31);
    const call = await onlyCall(tg, (c) => c.endpoint === "countTokens");
    expect(call).toMatchObject({ model: "gemini-2.5-flash", usageSource: "none", costUsd: null, outcome: "ok" });
  });

  describe("embeddings", () => {
    /** every response body the tapped clients received, in order */
    const received: Promise<string>[] = [];
    const tap = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const res = await fetch(input, init);
      received.push(res.clone().text());
      return res;
    };
    const lastReceived = () => received[received.length - 1];
    const texts = ["What is the meaning of life?", "How does the brain work?"];

    it("records models.embedContent (batchEmbedContents on the Gemini API) from usageMetadata.promptTokenCount", async () => {
      const tapped = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: `${tg.url}/gemini`, fetch: tap } });
      const response = await tapped.models.embedContent({ model: "gemini-embedding-001", contents: texts });
      expect(response.embeddings).toHaveLength(2);
      expect(await lastReceived()).toBe(embedSent[embedSent.length - 1]);
      const upstream = tg.fake.seen[tg.fake.seen.length - 1]!;
      expect(upstream.url).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
      const call = await callById(tg, response.sdkHttpResponse?.headers?.["x-tollgate-call-id"]);
      // gemini-embedding-001: $0.15 per 1M input tokens; 2 × 7 = 14 tokens → 2.1 per 1M → $0.0000021
      expect(call).toMatchObject({
        provider: "gemini",
        endpoint: "batchEmbedContents",
        model: "gemini-embedding-001",
        stream: false,
        outcome: "ok",
        inputTokens: 2 * EMBED_TOKENS_PER_CONTENT,
        cachedInputTokens: 0,
        outputTokens: 0,
        reasoningTokens: 0,
        usageSource: "reported",
        costUsd: "0.0000021",
        priced: true,
      });
    });

    it("records a single embedContent (REST) the same way", async () => {
      const body = JSON.stringify({ model: "models/gemini-embedding-001", content: { parts: [{ text: "Hello world" }] } });
      const res = await fetch(`${tg.url}/gemini/v1beta/models/gemini-embedding-001:embedContent`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": KEY },
        body,
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(embedSent[embedSent.length - 1]);
      expect(tg.fake.seen[tg.fake.seen.length - 1]!.body).toBe(body);
      const call = await callById(tg, res.headers.get("x-tollgate-call-id"));
      // 7 × 0.15 = 1.05 per 1M → $0.00000105
      expect(call).toMatchObject({
        endpoint: "embedContent",
        model: "gemini-embedding-001",
        inputTokens: EMBED_TOKENS_PER_CONTENT,
        outputTokens: 0,
        usageSource: "reported",
        costUsd: "0.00000105",
        priced: true,
      });
    });

    it("records Vertex embedContent (the SDK in Vertex express mode, gemini-embedding-2)", async () => {
      const vertex = new GoogleGenAI({ vertexai: true, apiKey: KEY, httpOptions: { baseUrl: `${tg.url}/gemini`, fetch: tap } });
      const response = await vertex.models.embedContent({ model: "gemini-embedding-2", contents: "Hello world" });
      expect(response.embeddings?.[0]?.statistics?.tokenCount).toBe(EMBED_TOKENS_PER_CONTENT);
      expect(await lastReceived()).toBe(embedSent[embedSent.length - 1]);
      expect(tg.fake.seen[tg.fake.seen.length - 1]!.url).toMatch(/\/publishers\/google\/models\/gemini-embedding-2:embedContent$/);
      const call = await callById(tg, response.sdkHttpResponse?.headers?.["x-tollgate-call-id"]);
      // gemini-embedding-2: $0.20 per 1M input tokens; 7 × 0.20 = 1.4 per 1M → $0.0000014
      expect(call).toMatchObject({
        endpoint: "embedContent",
        model: "gemini-embedding-2",
        inputTokens: EMBED_TOKENS_PER_CONTENT,
        usageSource: "reported",
        costUsd: "0.0000014",
        priced: true,
      });
    });

    it("estimates the input of an answer without usageMetadata, marked estimated and priced", async () => {
      const tapped = new GoogleGenAI({
        apiKey: KEY,
        httpOptions: { baseUrl: `${tg.url}/gemini`, fetch: tap, headers: { "x-fake-no-usage": "1", "x-tollgate-app": "legacy-embed" } },
      });
      const response = await tapped.models.embedContent({ model: "gemini-embedding-001", contents: texts });
      expect(response.embeddings).toHaveLength(2);
      expect(await lastReceived()).toBe(embedSent[embedSent.length - 1]);
      expect(embedSent[embedSent.length - 1]).not.toContain("usageMetadata");
      const call = await onlyCall(tg, (c) => c.app === "legacy-embed");
      const inputTokens = countTokens(texts.join("\n") + "\n", encodingForModel("gemini-embedding-001"));
      expect(inputTokens).toBe(13);
      // 13 × 0.15 = 1.95 per 1M → $0.00000195
      expect(call).toMatchObject({
        endpoint: "batchEmbedContents",
        model: "gemini-embedding-001",
        inputTokens,
        outputTokens: 0,
        usageSource: "estimated",
        costUsd: "0.00000195",
        priced: true,
      });
    });

    it("records a model the price table lacks (text-embedding-004) as unpriced, never $0", async () => {
      const tapped = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: `${tg.url}/gemini`, fetch: tap } });
      await tapped.models.embedContent({ model: "text-embedding-004", contents: "Hello world" });
      const call = await onlyCall(tg, (c) => c.model === "text-embedding-004");
      expect(call).toMatchObject({ endpoint: "batchEmbedContents", usageSource: "estimated", costUsd: null, priced: false });
      expect(call.inputTokens).toBeGreaterThan(0);
    });
  });
});

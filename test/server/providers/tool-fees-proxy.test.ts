import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { spendReport } from "../../../server/src/reports/spend.ts";
import { callById } from "../../support/calls.ts";
import { startFakeToolFees } from "../../support/fake-tool-fees.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";

let anthropic: Anthropic;
let openai: OpenAI;
let ai: GoogleGenAI;

const tg = useProxyFixture({ fake: startFakeToolFees, routes: ["ANTHROPIC", "OPENAI", "GEMINI"] });

beforeAll(async () => {
  const headers = { "x-tollgate-app": "researcher" };
  anthropic = new Anthropic({ apiKey: "sk-ant-test", baseURL: `${tg.url}/anthropic`, maxRetries: 0, defaultHeaders: headers });
  openai = new OpenAI({ apiKey: "sk-test", baseURL: `${tg.url}/openai/v1`, maxRetries: 0, defaultHeaders: headers });
  ai = new GoogleGenAI({ apiKey: "gemini-test", httpOptions: { baseUrl: `${tg.url}/gemini`, headers } });
});

const messages = [{ role: "user" as const, content: "When was Claude Shannon born?" }];
const webSearchTool = [{ type: "web_search_20250305" as const, name: "web_search" as const, max_uses: 10 }];

describe("per-request and tool fees", () => {
  it("Anthropic web searches: usage.server_tool_use.web_search_requests × $10 / 1,000, added to the cost", async () => {
    const { response } = await anthropic.messages
      .create({ model: "claude-sonnet-4-5-20250929", max_tokens: 1024, messages, tools: webSearchTool })
      .withResponse();
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    // tokens: 6,039 × $3 + 931 × $15 per 1M = $0.032082; 10 searches × $0.01 = $0.1
    expect(call).toMatchObject({
      inputTokens: 6039,
      outputTokens: 931,
      fees: [{ kind: "web_search", count: 10, usd: "0.1" }],
      feesUsd: "0.1",
      costUsd: "0.132082",
      priced: true,
    });
  });

  it("Anthropic streams: the web search count of message_delta's usage", async () => {
    const stream = anthropic.messages.stream({ model: "claude-sonnet-4-5-20250929", max_tokens: 1024, messages, tools: webSearchTool });
    await stream.finalMessage();
    const id = (await stream.withResponse()).response.headers.get("x-tollgate-call-id");
    const call = await callById(tg, id);
    expect(call).toMatchObject({
      stream: true,
      fees: [{ kind: "web_search", count: 3, usd: "0.03" }],
      feesUsd: "0.03",
      costUsd: "0.062082",
    });
  });

  it("Anthropic web fetches cost nothing beyond tokens; code execution time is not reported, so its fee is unknown", async () => {
    const { response } = await anthropic.messages.create({ model: "claude-sonnet-4-5-code", max_tokens: 1024, messages }).withResponse();
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    // tokens only: 2,000 × $3 + 300 × $15 per 1M = $0.0105
    expect(call).toMatchObject({
      fees: [
        { kind: "web_fetch", count: 2, usd: "0" },
        { kind: "code_execution", count: null, usd: null },
      ],
      feesUsd: "0.0", // the API trims a stored decimal's trailing zeros down to one
      costUsd: "0.0105",
    });
  });

  it("OpenAI Responses: web_search_call and file_search_call items priced per call from the price source", async () => {
    const { response } = await openai.responses
      .create({
        model: "gpt-4.1",
        input: "Positive news today?",
        tools: [{ type: "web_search" }, { type: "file_search", vector_store_ids: ["vs_1"] }],
      })
      .withResponse();
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    // tokens: 328 × $2 + 356 × $8 per 1M = $0.003504; 2 web searches × $0.01 + 1 file search × $0.0025
    expect(call).toMatchObject({
      fees: [
        { kind: "web_search", count: 2, usd: "0.02" },
        { kind: "file_search", count: 1, usd: "0.0025" },
      ],
      feesUsd: "0.0225",
      costUsd: "0.026004",
    });
  });

  it("OpenAI Responses streams: the items of response.completed", async () => {
    const stream = await openai.responses
      .create({ model: "gpt-4.1", input: "Positive news today?", tools: [{ type: "web_search" }], stream: true })
      .withResponse();
    for await (const _ of stream.data) void _;
    const call = await callById(tg, stream.response.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ stream: true, feesUsd: "0.0225", costUsd: "0.026004" });
  });

  it("Chat Completions search models: the search is billed but not counted, so the fee is recorded as unknown", async () => {
    const { response } = await openai.chat.completions
      .create({ model: "gpt-4o-search-preview", messages: [{ role: "user", content: "Positive news today?" }] })
      .withResponse();
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    // tokens only: 20 × $2.5 + 100 × $10 per 1M = $0.00105
    expect(call).toMatchObject({ fees: [{ kind: "web_search", count: null, usd: null }], feesUsd: null, costUsd: "0.00105" });
  });

  it("Gemini 2.5 grounding: one grounded prompt at $35 / 1,000, whatever the number of queries", async () => {
    const reply = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "Who won Euro 2024?",
      config: { tools: [{ googleSearch: {} }] },
    });
    expect(reply.candidates?.[0]?.groundingMetadata?.webSearchQueries).toHaveLength(2);
    const call = await callById(tg, reply.sdkHttpResponse?.headers?.["x-tollgate-call-id"]);
    // tokens: 12 × $0.30 + 66 × $2.50 per 1M = $0.0001686
    expect(call).toMatchObject({ fees: [{ kind: "google_search", count: 1, usd: "0.035" }], costUsd: "0.0351686" });
  });

  it("Gemini 3 grounding: unique non-empty search queries at $14 / 1,000, streamed too", async () => {
    const reply = await ai.models.generateContent({
      model: "gemini-3-pro-preview",
      contents: "Who won Euro 2024?",
      config: { tools: [{ googleSearch: {} }] },
    });
    const call = await callById(tg, reply.sdkHttpResponse?.headers?.["x-tollgate-call-id"]);
    // tokens: 100 × $2 + 50 × $12 per 1M = $0.0008; 2 queries × $0.014
    expect(call).toMatchObject({ fees: [{ kind: "google_search", count: 2, usd: "0.028" }], costUsd: "0.0288" });

    const stream = await ai.models.generateContentStream({
      model: "gemini-3-pro-preview",
      contents: "Who won Euro 2024?",
      config: { tools: [{ googleSearch: {} }] },
    });
    let id: string | undefined;
    for await (const chunk of stream) id ??= chunk.sdkHttpResponse?.headers?.["x-tollgate-call-id"];
    const streamed = await callById(tg, id);
    expect(streamed).toMatchObject({ stream: true, fees: [{ kind: "google_search", count: 2, usd: "0.028" }], costUsd: "0.0288" });
  });

  it("the spend report and its CSV carry feesUsd, the same from raw calls and from rollups", async () => {
    await tg.tollgate.recorder.flush();
    const from = new Date(Date.now() - 3 * 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const query = { from, to, groupBy: "provider", interval: "hour" };
    const raw = await spendReport(tg.db.prisma, query, { source: "raw" });
    // 0.1 + 0.03 + 0 (Anthropic) + 0.0225 × 2 (OpenAI) + 0.035 + 0.028 × 2 (Gemini)
    expect(raw.totals.feesUsd).toBe("0.266");
    expect(raw.groups.find((g) => g.key === "anthropic")?.feesUsd).toBe("0.13");
    const rollups = await spendReport(tg.db.prisma, query, { source: "rollups" });
    expect(rollups.totals.feesUsd).toBe("0.266");
    expect(rollups.totals.costUsd).toBe(raw.totals.costUsd);
    const csv = await (
      await fetch(`${tg.url}/api/spend?from=${from}&to=${to}&groupBy=provider&interval=hour`, { headers: { accept: "text/csv" } })
    ).text();
    expect(csv.split("\n")[0]).toContain("feesUsd");
  });
});

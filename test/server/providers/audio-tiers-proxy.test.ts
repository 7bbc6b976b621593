import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { callById } from "../../support/calls.ts";
import { startFakeAudioTiers } from "../../support/fake-audio-tiers.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";

let openai: OpenAI;

// genai-prices has no audio rates for gpt-4o-audio-preview and no priority rates for Claude: the config's rows.
const tg = useProxyFixture({
  fake: startFakeAudioTiers,
  routes: ["OPENAI", "ANTHROPIC", "GEMINI"],
  config: () => ({
    prices: [
      {
        provider: "openai",
        model: "gpt-4o-audio-preview",
        effectiveFrom: "2024-12-17T00:00:00Z",
        inputUsdPerMTok: "2.5",
        outputUsdPerMTok: "10",
        inputAudioUsdPerMTok: "40",
        outputAudioUsdPerMTok: "80",
      },
      {
        provider: "anthropic",
        model: "claude-sonnet-4-5",
        matchType: "prefix",
        serviceTier: "priority",
        effectiveFrom: "2025-01-01T00:00:00Z",
        inputUsdPerMTok: "6",
        outputUsdPerMTok: "30",
      },
    ],
  }),
});

beforeAll(async () => {
  openai = new OpenAI({ apiKey: "sk-test", baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
});

const audioRequest = (model: string) => ({
  model,
  modalities: ["text", "audio"] as Array<"text" | "audio">,
  audio: { voice: "alloy" as const, format: "wav" as const },
  messages: [
    {
      role: "user" as const,
      content: [{ type: "input_audio" as const, input_audio: { data: "UklGRiQAAABXQVZF", format: "wav" as const } }],
    },
  ],
});

describe("audio tokens", () => {
  it("gpt-audio: audio input and output tokens at the price source's audio rates", async () => {
    const { data, response } = await openai.chat.completions.create(audioRequest("gpt-audio")).withResponse();
    expect(data.choices[0]?.message.audio?.transcript).toBe("Golden retrievers are friendly dogs.");
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    // 20 text in × $2.50 + 80 audio in × $32 + 17 text out × $10 + 164 audio out × $64 per 1M
    // = 50 + 2,560 + 170 + 10,496 = 13,276 → $0.013276 (all at text rates it would be $0.0020600)
    expect(call).toMatchObject({ inputTokens: 100, outputTokens: 181, audioInputTokens: 80, audioOutputTokens: 164, costUsd: "0.013276" });
  });

  it("gpt-4o-audio-preview: the config's audio rates where the price source has none", async () => {
    const { response } = await openai.chat.completions.create(audioRequest("gpt-4o-audio-preview")).withResponse();
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    // 20 × 2.5 + 80 × 40 + 17 × 10 + 164 × 80 = 50 + 3,200 + 170 + 13,120 = 16,540 → $0.01654
    expect(call).toMatchObject({
      audioInputTokens: 80,
      audioOutputTokens: 164,
      costUsd: "0.01654",
      priceId: expect.stringMatching(/^config:/),
    });
  });

  it("Gemini: promptTokensDetails' AUDIO tokens at the audio input rate", async () => {
    const ai = new GoogleGenAI({ apiKey: "gemini-test", httpOptions: { baseUrl: `${tg.url}/gemini` } });
    const reply = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: [{ role: "user", parts: [{ inlineData: { mimeType: "audio/wav", data: "UklGRiQAAABXQVZF" } }] }],
    });
    const call = await callById(tg, reply.sdkHttpResponse?.headers?.["x-tollgate-call-id"]);
    // 10 text × $0.30 + 1,000 audio × $1 + 20 out × $2.50 per 1M = 3 + 1,000 + 50 → $0.001053
    expect(call).toMatchObject({ audioInputTokens: 1000, costUsd: "0.001053" });
  });
});

describe("priority tiers", () => {
  it("OpenAI service_tier priority: the published priority rates, not the standard ones", async () => {
    const { response } = await openai.chat.completions
      .create({ model: "gpt-4.1", service_tier: "priority", messages: [{ role: "user", content: "Hi" }] })
      .withResponse();
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    // 1,000 × $3.50 + 500 × $14 per 1M = $0.0105 (standard: 1,000 × $2 + 500 × $8 = $0.006)
    expect(call).toMatchObject({
      serviceTier: "priority",
      costUsd: "0.0105",
      priceId: expect.stringMatching(/^tg:openai:priority:gpt-4\.1:/),
    });
    const standard = await openai.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] }).withResponse();
    expect(await callById(tg, standard.response.headers.get("x-tollgate-call-id"))).toMatchObject({
      serviceTier: "default",
      costUsd: "0.006",
    });
  });

  it("Anthropic usage.service_tier priority: a TOLLGATE_CONFIG priority row (Anthropic publishes no rates)", async () => {
    const anthropic = new Anthropic({ apiKey: "sk-ant-test", baseURL: `${tg.url}/anthropic`, maxRetries: 0 });
    const { response } = await anthropic.messages
      .create({ model: "claude-sonnet-4-5-20250929", max_tokens: 100, service_tier: "auto", messages: [{ role: "user", content: "Hi" }] })
      .withResponse();
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    // 1,000 × $6 + 100 × $30 per 1M = $0.009 (standard: $0.0045)
    expect(call).toMatchObject({ serviceTier: "priority", costUsd: "0.009", priceId: expect.stringMatching(/^config:/) });
  });
});

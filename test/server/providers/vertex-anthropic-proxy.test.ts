import { describe, expect, it } from "vitest";
import { runCli } from "../../../server/src/cli/run.ts";
import { callById } from "../../support/calls.ts";
import {
  ANTHROPIC_MODEL,
  ANTHROPIC_TEXT,
  startFakeAnthropic,
  VERTEX_MESSAGE_ID,
  VERTEX_QUOTA_MESSAGE,
} from "../../support/fake-anthropic.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";

/*
 * Claude on Vertex AI through a Gemini-format route. @anthropic-ai/vertex-sdk is not installed, so the
 * requests are what it sends (anthropics/anthropic-sdk-typescript, packages/vertex-sdk/src/client.ts,
 * AnthropicVertex#adaptRequest): base URL `https://{region}-aiplatform.googleapis.com/v1` (region `global`:
 * `https://aiplatform.googleapis.com/v1`); `POST /v1/messages` rewritten to
 * `/v1/projects/{projectId}/locations/{region}/publishers/anthropic/models/{model}:{rawPredict|streamRawPredict}`
 * (stream chosen by the body's `stream`, which stays in the body), `model` deleted from the body,
 * `anthropic_version: "vertex-2023-10-16"` added; `POST /v1/messages/count_tokens` rewritten to
 * `…/models/count-tokens:rawPredict` with the body (model included) unchanged but for `anthropic_version`;
 * a Google OAuth bearer token.
 */

// A Vertex route as a user declares it for Gemini models; its own price provider is Google's.
const tg = useProxyFixture({
  fake: startFakeAnthropic,
  config: (fake) => ({ providers: [{ name: "vertex", baseUrl: fake.url, format: "gemini", priceProvider: "google" }] }),
});

const TOKEN = "ya29.test-oauth-token-secret";
const VERTEX_VERSION = "vertex-2023-10-16";
const modelPath = (location: string, model: string, method: string) =>
  `/v1/projects/my-project/locations/${location}/publishers/anthropic/models/${model}:${method}`;
const messagesBody = (stream: boolean) => ({
  max_tokens: 1024,
  messages: [{ role: "user", content: "Say hello" }],
  ...(stream ? { stream: true } : {}),
  anthropic_version: VERTEX_VERSION,
});

/** Posts to `base + path` as the Vertex SDK does and reads the whole answer as bytes. */
async function post(
  base: string,
  path: string,
  body: unknown,
): Promise<{ status: number; id: string | null; type: string | null; bytes: Buffer }> {
  const res = await fetch(base + path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${TOKEN}`,
      "anthropic-version": "2023-06-01",
      "x-tollgate-app": "vertex-app",
    },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    id: res.headers.get("x-tollgate-call-id"),
    type: res.headers.get("content-type"),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

// claude-sonnet-4.5 at Anthropic's prices per 1M (genai-prices' `anthropic` rows): 3 input, 0.30 cache
// read, 3.75 5m write, 6 1h write, 15 output (the fake's usage: 1,200 uncached, 20,000 read, 2,000 5m and
// 1,000 1h writes, 500 output): 3,600 + 6,000 + 7,500 + 6,000 + 7,500 = 30,600 per 1M → $0.0306.
// (The `google` rows genai-prices keeps for Claude on Vertex have no 1h write price: 1h writes would cost
// 3.75 there, $0.02835 — and no claude-haiku-4-5 row at all.)
const SONNET_COST = "0.0306";
const TOKENS = {
  inputTokens: 24200,
  cachedInputTokens: 20000,
  cacheWriteTokens: 3000,
  cacheWrite1hTokens: 1000,
  outputTokens: 500,
  reasoningTokens: 200,
};

describe("Claude on Vertex AI through a Gemini-format route", () => {
  it("meters :rawPredict with the model from the path, priced at Anthropic's prices, bytes passed unchanged", async () => {
    const path = modelPath("us-east5", "claude-sonnet-4-5@20250929", "rawPredict");
    const direct = await post(tg.fake.url, path, messagesBody(false));
    const res = await post(`${tg.url}/vertex`, path, messagesBody(false));
    expect(res.status).toBe(200);
    expect(res.bytes.equals(direct.bytes)).toBe(true);
    expect(JSON.parse(res.bytes.toString())).toMatchObject({
      id: VERTEX_MESSAGE_ID,
      content: [{ type: "thinking" }, { type: "text", text: ANTHROPIC_TEXT.join("") }],
    });
    const upstream = tg.fake.seen[tg.fake.seen.length - 1]!;
    expect(upstream.url).toBe(path);
    expect(JSON.parse(upstream.body)).toEqual(messagesBody(false));
    expect(upstream.headers.authorization).toBe(`Bearer ${TOKEN}`);

    const call = await callById(tg, res.id);
    expect(call).toMatchObject({
      provider: "vertex",
      endpoint: "messages",
      model: "claude-sonnet-4-5@20250929",
      responseModel: ANTHROPIC_MODEL,
      app: "vertex-app",
      stream: false,
      status: 200,
      outcome: "ok",
      ...TOKENS,
      usageSource: "reported",
      costUsd: SONNET_COST,
      priced: true,
      priceId: expect.stringMatching(/^gp:anthropic:/),
      serviceTier: "standard",
    });
    expect(JSON.stringify(call)).not.toContain(TOKEN);
  });

  it("meters :streamRawPredict (SSE): message_start counts overwritten by message_delta's, bytes passed unchanged", async () => {
    const path = modelPath("us-east5", "claude-sonnet-4-5@20250929", "streamRawPredict");
    const direct = await post(tg.fake.url, path, messagesBody(true));
    const res = await post(`${tg.url}/vertex`, path, messagesBody(true));
    expect(res.type).toMatch(/^text\/event-stream/);
    expect(res.bytes.equals(direct.bytes)).toBe(true);
    expect(res.bytes.toString()).toContain("event: message_delta");
    const call = await callById(tg, res.id);
    expect(call).toMatchObject({
      endpoint: "messages",
      model: "claude-sonnet-4-5@20250929",
      stream: true,
      outcome: "ok",
      ...TOKENS,
      usageSource: "reported",
      costUsd: SONNET_COST,
    });
    expect(call.ttftMs).toBeGreaterThan(0);
  });

  it("meters the global endpoint's path (region `global`), a model genai-prices prices only under `anthropic`", async () => {
    const res = await post(`${tg.url}/vertex`, modelPath("global", "claude-haiku-4-5@20251001", "rawPredict"), messagesBody(false));
    expect(res.status).toBe(200);
    const call = await callById(tg, res.id);
    // claude-haiku-4.5 per 1M: 1 input, 0.10 read, 1.25 5m write, 2 1h write, 5 output:
    // 1,200 + 2,000 + 2,500 + 2,000 + 2,500 = 10,200 per 1M → $0.0102
    expect(call).toMatchObject({
      endpoint: "messages",
      model: "claude-haiku-4-5@20251001",
      ...TOKENS,
      usageSource: "reported",
      costUsd: "0.0102",
      priced: true,
    });
  });

  it("records errors with their message: Anthropic's shape from the model, Google's from Vertex itself", async () => {
    const overloaded = await post(`${tg.url}/vertex`, modelPath("us-east5", "claude-sonnet-4-5-529", "rawPredict"), messagesBody(false));
    expect(overloaded.status).toBe(529);
    expect(JSON.parse(overloaded.bytes.toString())).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
    expect(await callById(tg, overloaded.id)).toMatchObject({
      endpoint: "messages",
      model: "claude-sonnet-4-5-529",
      status: 529,
      outcome: "upstream_error",
      errorType: "overloaded_error",
      errorMessage: "Overloaded",
      usageSource: "none",
      costUsd: "0.0",
      priced: true,
      ttftMs: null,
    });

    const quota = await post(`${tg.url}/vertex`, modelPath("us-east5", "claude-sonnet-4-5-quota", "streamRawPredict"), messagesBody(true));
    expect(quota.status).toBe(429);
    expect(await callById(tg, quota.id)).toMatchObject({
      model: "claude-sonnet-4-5-quota",
      stream: true,
      status: 429,
      outcome: "rate_limited",
      errorType: "RESOURCE_EXHAUSTED",
      errorMessage: VERTEX_QUOTA_MESSAGE,
      usageSource: "none",
      costUsd: "0.0",
      priced: true,
    });
  });

  it("`prices recompute` re-prices these calls as the proxy did (Anthropic's rows), changing nothing", async () => {
    await tg.tollgate.recorder.flush();
    const lines: string[] = [];
    const now = Date.now();
    const args = [
      "prices",
      "recompute",
      "--from",
      new Date(now - 3_600_000).toISOString(),
      "--to",
      new Date(now + 60_000).toISOString(),
      "--provider",
      "vertex",
      "--dry-run",
    ];
    expect(await runCli(args, { DATABASE_URL: tg.db.url, TOLLGATE_CONFIG: tg.configPath }, (l) => lines.push(l))).toBe(0);
    const report = JSON.parse(lines.join("\n")) as Record<string, unknown>;
    expect(report).toMatchObject({ changed: 0, newlyPriced: 0, newlyUnpriced: 0 });
    expect(report.examined).toBeGreaterThanOrEqual(3);
  });

  it("forwards count-tokens:rawPredict unbilled: no tokens, no cost", async () => {
    const body = {
      model: "claude-sonnet-4-5@20250929",
      messages: [{ role: "user", content: "Say hello" }],
      anthropic_version: VERTEX_VERSION,
    };
    const res = await post(`${tg.url}/vertex`, modelPath("us-east5", "count-tokens", "rawPredict"), body);
    expect(JSON.parse(res.bytes.toString())).toEqual({ input_tokens: 42 });
    expect(await callById(tg, res.id)).toMatchObject({
      endpoint: "messages.count_tokens",
      model: "claude-sonnet-4-5@20250929",
      outcome: "ok",
      usageSource: "none",
      inputTokens: 0,
      outputTokens: 0,
      costUsd: null,
      priced: false,
    });
  });
});

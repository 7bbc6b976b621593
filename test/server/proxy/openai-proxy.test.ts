import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { FAKE_TEXT, FAKE_USAGE, startFakeOpenAi } from "../../support/fake-openai.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";
import { eventually } from "../../support/tollgate.ts";

let client: OpenAI;

const tg = useProxyFixture({ fake: startFakeOpenAi, routes: ["OPENAI"], env: () => ({ TOLLGATE_UPSTREAM_TIMEOUT_MS: "1500" }) });

beforeAll(async () => {
  client = new OpenAI({
    apiKey: "sk-test-secret-1234567890",
    baseURL: `${tg.url}/openai/v1`,
    maxRetries: 0,
    defaultHeaders: { "x-tollgate-app": "checkout" },
  });
});

async function callById(id: string): Promise<Record<string, unknown>> {
  return eventually(async () => {
    await tg.tollgate.recorder.flush();
    const res = await fetch(`${tg.url}/api/calls/${id}`);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  });
}

// gpt-4o-mini: 0.15 input / 0.075 cached / 0.60 output per 1M tokens.
// 800 uncached × 0.15 + 400 cached × 0.075 + 300 output × 0.60 = 120 + 30 + 180 = 330 per 1M → $0.00033
const EXPECTED_COST = "0.00033";

describe("OpenAI chat completions through the proxy", () => {
  it("forwards a JSON call unchanged and records exact tokens and cost", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(FAKE_TEXT.join(""));
    expect(data.usage).toEqual(FAKE_USAGE);
    const id = response.headers.get("x-tollgate-call-id");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(response.headers.get("x-request-id")).toMatch(/^req_/);

    const upstream = tg.fake.seen[tg.fake.seen.length - 1]!;
    expect(upstream.headers.authorization).toBe("Bearer sk-test-secret-1234567890");
    expect(upstream.headers["x-tollgate-app"]).toBeUndefined();
    expect(JSON.parse(upstream.body)).toEqual({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] });

    const call = await callById(id!);
    expect(call).toMatchObject({
      id,
      provider: "openai",
      endpoint: "chat.completions",
      model: "gpt-4o-mini",
      responseModel: "gpt-4o-mini-2024-07-18",
      app: "checkout",
      stream: false,
      status: 200,
      outcome: "ok",
      inputTokens: 1200,
      cachedInputTokens: 400,
      cacheWriteTokens: 0,
      outputTokens: 300,
      reasoningTokens: 100,
      usageSource: "reported",
      costUsd: EXPECTED_COST,
      priced: true,
      upstreamRequestId: expect.stringMatching(/^req_/),
    });
    expect(call.latencyMs).toBeGreaterThan(0);
    expect(call.ttftMs).toBeGreaterThan(0);
    expect(call.overheadMs).toBeGreaterThanOrEqual(0);
    expect((call.price as { id: string }).id).toBe(call.priceId);
  });

  it("streams without usage requested: usage is asked upstream and hidden from the client", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: "Say hello" }],
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(FAKE_TEXT.join(""));
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    expect(chunks.some((c) => c.usage)).toBe(false);
    const upstream = JSON.parse(tg.fake.seen[tg.fake.seen.length - 1]!.body);
    expect(upstream.stream_options).toEqual({ include_usage: true });

    const calls = await eventually(async () => {
      const all = await tg.calls();
      const streamed = all.filter((c) => c.stream === true);
      expect(streamed.length).toBe(1);
      return streamed;
    });
    expect(calls[0]).toMatchObject({
      stream: true,
      outcome: "ok",
      inputTokens: 1200,
      outputTokens: 300,
      cachedInputTokens: 400,
      usageSource: "reported",
      costUsd: EXPECTED_COST,
    });
    expect(calls[0]!.ttftMs).toBeGreaterThan(0);
  });

  it("streams with usage requested: the client gets the usage chunk", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "hi" }],
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const c of stream) if (c.usage) usage = c.usage;
    expect(usage).toEqual(FAKE_USAGE);
  });

  it("passes a slow stream through event by event, not buffered", async () => {
    const started = Date.now();
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini-slow",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const arrivals: number[] = [];
    for await (const c of stream) if (c.choices[0]?.delta.content) arrivals.push(Date.now() - started);
    expect(arrivals).toHaveLength(FAKE_TEXT.length);
    // Each delta arrives ~100 ms after the previous one; a buffering proxy would deliver them together.
    expect(arrivals[arrivals.length - 1]! - arrivals[0]!).toBeGreaterThan(120);
  });

  it("records upstream 429 and 500 with the provider's status, type and message", async () => {
    const rateLimited = await client.chat.completions
      .create({ model: "gpt-4o-mini-429", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((rateLimited as InstanceType<typeof OpenAI.RateLimitError>).message).toContain("Rate limit reached");
    const failed = await client.chat.completions
      .create({ model: "gpt-4o-mini-500", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);

    const rl = await callById((rateLimited as InstanceType<typeof OpenAI.APIError>).headers!.get("x-tollgate-call-id")!);
    // No tokens used: exactly $0, priced (no price row needed), and no time to first token for an error reply.
    expect(rl).toMatchObject({
      status: 429,
      outcome: "rate_limited",
      errorType: "rate_limit_exceeded",
      usageSource: "none",
      costUsd: "0.0",
      priced: true,
      priceId: null,
      ttftMs: null,
      upstreamRequestId: "req_ratelimited",
    });
    expect(rl.errorMessage).toContain("Rate limit reached");
    expect(rl.errorBody).toContain("rate_limit_exceeded");
    const se = await callById((failed as InstanceType<typeof OpenAI.APIError>).headers!.get("x-tollgate-call-id")!);
    expect(se).toMatchObject({
      status: 500,
      outcome: "upstream_error",
      errorType: "server_error",
      costUsd: "0.0",
      priced: true,
      ttftMs: null,
    });
  });

  it("records the provider's 400 (context length) as bad_request, its 401 as upstream_error", async () => {
    const tooLong = await client.chat.completions
      .create({ model: "gpt-4o-mini-400", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    const badKey = await client.chat.completions
      .create({ model: "gpt-4o-mini-401", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(badKey).toBeInstanceOf(OpenAI.AuthenticationError);

    const br = await callById((tooLong as InstanceType<typeof OpenAI.APIError>).headers!.get("x-tollgate-call-id")!);
    expect(br).toMatchObject({
      status: 400,
      outcome: "bad_request",
      errorType: "context_length_exceeded",
      usageSource: "none",
      costUsd: "0.0",
      priced: true,
      ttftMs: null,
    });
    const auth = await callById((badKey as InstanceType<typeof OpenAI.APIError>).headers!.get("x-tollgate-call-id")!);
    expect(auth).toMatchObject({ status: 401, outcome: "upstream_error" });
  });

  it("records a stream cut mid-way as failed and the client sees the cut", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini-cut",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of stream) got.push(c.choices[0]?.delta.content ?? "");
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(got.join("")).toBe(FAKE_TEXT.slice(0, 2).join(""));
    const cut = await eventually(async () => {
      const c = (await tg.calls()).find((row) => row.model === "gpt-4o-mini-cut");
      expect(c).toBeDefined();
      return c!;
    });
    expect(cut).toMatchObject({ outcome: "network_error", errorType: "stream_cut", stream: true });
  });

  it("answers a hanging upstream with 504 after TOLLGATE_UPSTREAM_TIMEOUT_MS and records a timeout", async () => {
    const err = await client.chat.completions
      .create({ model: "gpt-4o-mini-hang", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    const call = await callById((err as InstanceType<typeof OpenAI.APIError>).headers!.get("x-tollgate-call-id")!);
    expect(call).toMatchObject({ status: 504, outcome: "timeout", ttftMs: null });
  });

  it("records embeddings with their prompt tokens", async () => {
    const { response } = await client.embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"] }).withResponse();
    const call = await callById(response.headers.get("x-tollgate-call-id")!);
    // 16 tokens × $0.02 per 1M
    expect(call).toMatchObject({ endpoint: "embeddings", inputTokens: 16, outputTokens: 0, costUsd: "0.00000032", outcome: "ok" });
  });

  it("never stores the client's API key", async () => {
    const { rows } = await tg.db.pool.query("SELECT * FROM calls");
    expect(JSON.stringify(rows)).not.toContain("sk-test-secret");
  });

  it("answers an unknown provider with a 404 JSON error", async () => {
    const res = await fetch(`${tg.url}/nosuchprovider/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("not_found");
  });
});

describe("calls that are not metered", () => {
  it("a GET without a body is forwarded with its method and query, and its answer comes back unchanged", async () => {
    const before = tg.fake.seen.length;
    const res = await fetch(`${tg.url}/openai/v1/models?limit=2`, { headers: { authorization: "Bearer sk-test-secret-1234567890" } });
    const seen = tg.fake.seen[before]!;
    expect(seen).toMatchObject({ method: "GET", url: "/v1/models?limit=2", body: "" });
    expect(seen.headers["content-length"]).toBeUndefined();
    // (the fake answers a body that is not JSON with its 400; here that body is empty)
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
  });
});

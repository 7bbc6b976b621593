// Canned reporting-API responses shaped exactly as docs/api.md describes them.
import type { Call, CallDetail, FailuresResponse, LatencyResponse, PricesResponse, SpendResponse } from "../../../dashboard/src/api.ts";

const tokens = { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, feesUsd: "0" };
export const B1 = "2026-11-26T10:00:00.000Z";
export const B2 = "2026-11-26T11:00:00.000Z";

export const spend: SpendResponse = {
  from: "2026-11-25T12:00:00.000Z",
  to: "2026-11-26T12:00:00.000Z",
  interval: "hour",
  groupBy: "provider",
  dimensions: ["provider"],
  coverage: { from: "2026-11-25T12:00:00.000Z", to: "2026-11-26T12:00:00.000Z" },
  totals: {
    costUsd: "1234.5678901234",
    calls: 1500,
    unpricedCalls: 3,
    ...tokens,
    inputTokens: 2_500_000,
    cachedInputTokens: 1000,
    outputTokens: 456_789,
    reasoningTokens: 12,
  },
  groups: [
    { key: "openai", keys: { provider: "openai" }, costUsd: "1000.0000000001", calls: 1000, unpricedCalls: 3, ...tokens },
    { key: "anthropic", keys: { provider: "anthropic" }, costUsd: "234.5678901233", calls: 500, unpricedCalls: 0, ...tokens },
  ],
  series: [
    { bucket: B1, group: "openai", keys: { provider: "openai" }, costUsd: "600.0000000001", calls: 600, unpricedCalls: 3, ...tokens },
    { bucket: B2, group: "openai", keys: { provider: "openai" }, costUsd: "400", calls: 400, unpricedCalls: 0, ...tokens },
    { bucket: B2, group: "anthropic", keys: { provider: "anthropic" }, costUsd: "234.5678901233", calls: 500, unpricedCalls: 0, ...tokens },
  ],
};

export const spendByApp: SpendResponse = {
  ...spend,
  groupBy: "app",
  groups: [
    { key: "search", keys: { app: "search" }, costUsd: "740.74073407404", calls: 900, unpricedCalls: 0, ...tokens },
    { key: "chat", keys: { app: "chat" }, costUsd: "493.82715604936", calls: 600, unpricedCalls: 3, ...tokens },
  ],
  series: [],
};

export const spendByModel: SpendResponse = {
  ...spend,
  groupBy: "model",
  groups: [
    { key: "gpt-4.1", keys: { model: "gpt-4.1" }, costUsd: "1000.0000000001", calls: 1000, unpricedCalls: 3, ...tokens },
    { key: "claude-sonnet-4-5", keys: { model: "claude-sonnet-4-5" }, costUsd: "234.5678901233", calls: 500, unpricedCalls: 0, ...tokens },
  ],
  series: [],
};

export const emptySpend: SpendResponse = {
  ...spend,
  totals: { costUsd: "0", calls: 0, unpricedCalls: 0, ...tokens },
  groups: [],
  series: [],
};

export const failures: FailuresResponse = {
  from: spend.from,
  to: spend.to,
  interval: "hour",
  groupBy: "provider",
  totals: { calls: 100, failures: 7, errorRate: 0.07, byOutcome: { ok: 93, rate_limited: 4, upstream_error: 3 } },
  groups: [
    { key: "openai", calls: 60, failures: 6, errorRate: 0.1, byOutcome: { ok: 54, rate_limited: 4, upstream_error: 2 } },
    { key: "anthropic", calls: 40, failures: 1, errorRate: 0.025, byOutcome: { ok: 39, upstream_error: 1 } },
  ],
  series: [
    { bucket: B1, group: "openai", calls: 60, failures: 6, errorRate: 0.1, byOutcome: { ok: 54, rate_limited: 4, upstream_error: 2 } },
    { bucket: B2, group: "anthropic", calls: 40, failures: 1, errorRate: 0.025, byOutcome: { ok: 39, upstream_error: 1 } },
  ],
  topErrors: [
    {
      provider: "openai",
      app: "checkout",
      model: "gpt-4.1",
      status: 429,
      outcome: "rate_limited",
      errorType: "rate_limit_exceeded",
      errorMessage: "Rate limit reached for gpt-4.1",
      count: 4,
      lastSeen: "2026-11-26T10:42:00.000Z",
      lastCallId: "call-rl-1",
    },
    {
      provider: "anthropic",
      app: "search",
      model: null,
      status: 529,
      outcome: "upstream_error",
      errorType: "overloaded_error",
      errorMessage: "Overloaded",
      count: 1,
      lastSeen: "2026-11-26T11:05:00.000Z",
      lastCallId: "call-ov-1",
    },
  ],
};

export const latency: LatencyResponse = {
  from: spend.from,
  to: spend.to,
  interval: "hour",
  groupBy: "provider",
  percentiles: "exact",
  totals: { calls: 100, latencyMs: { p50: 120, p90: 1400, p95: 2500, p99: 9000 }, ttftMs: { p50: 80, p90: 200, p95: 200, p99: null } },
  groups: [
    {
      key: "openai",
      calls: 60,
      latencyMs: { p50: 110, p90: 1200, p95: 1300, p99: 8000 },
      ttftMs: { p50: 70, p90: 190, p95: 190, p99: 300 },
    },
    {
      key: "anthropic",
      calls: 40,
      latencyMs: { p50: 150, p90: 1500, p95: 4000, p99: 9000 },
      ttftMs: { p50: null, p90: null, p95: null, p99: null },
    },
  ],
  series: [
    {
      bucket: B1,
      group: "openai",
      calls: 60,
      latencyMs: { p50: 110, p90: 1200, p95: 1200, p99: 8000 },
      ttftMs: { p50: 70, p90: 190, p95: 190, p99: 300 },
    },
    {
      bucket: B2,
      group: "anthropic",
      calls: 40,
      latencyMs: { p50: 150, p90: 1500, p95: 1500, p99: 9000 },
      ttftMs: { p50: null, p90: null, p95: null, p99: null },
    },
  ],
  slowest: [
    {
      id: "call-slow-1",
      startedAt: "2026-11-26T11:30:00.000Z",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      app: "chat",
      outcome: "ok",
      latencyMs: 9000,
      ttftMs: 700,
    },
  ],
};

export function makeCall(overrides: Partial<Call> = {}): Call {
  return {
    id: "call-1",
    startedAt: "2026-11-26T11:59:00.000Z",
    provider: "openai",
    endpoint: "/v1/chat/completions",
    model: "gpt-4.1",
    responseModel: "gpt-4.1-2025-04-14",
    deployment: null,
    app: "search",
    user: "u-7",
    properties: { team: "growth" },
    keyId: null,
    stream: false,
    status: 200,
    outcome: "ok",
    errorType: null,
    errorMessage: null,
    errorBody: null,
    upstreamRequestId: "req_123",
    serviceTier: null,
    finishReasons: [],
    inputTokens: 1200,
    cachedInputTokens: 200,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 300,
    reasoningTokens: 50,
    audioInputTokens: 0,
    audioOutputTokens: 0,
    usageSource: "reported",
    usageClamped: false,
    costUsd: "0.0048000000",
    fees: null,
    feesUsd: null,
    priceId: "price-4.1",
    priced: true,
    latencyMs: 850,
    ttftMs: 320,
    overheadMs: 1.5,
    requestBytes: 2048,
    responseBytes: 4096,
    requestBody: null,
    responseBody: null,
    sessionId: null,
    traceId: null,
    parentSpanId: null,
    ...overrides,
  };
}

export const rateLimitedCall: CallDetail = {
  ...makeCall({
    id: "call-rl-1",
    outcome: "rate_limited",
    status: 429,
    errorType: "rate_limit_exceeded",
    errorMessage: "Rate limit reached for gpt-4.1",
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    errorBody: '{"error":{"message":"Rate limit reached for gpt-4.1","type":"rate_limit_exceeded","code":"rate_limit_exceeded"}}',
    costUsd: "0",
    usageSource: "none",
  }),
  price: {
    id: "price-4.1",
    provider: "openai",
    model: "gpt-4.1",
    matchType: "exact",
    serviceTier: null,
    effectiveFrom: "2025-04-14T00:00:00.000Z",
    inputUsdPerMTok: "2",
    cachedInputUsdPerMTok: "0.5",
    cacheWriteUsdPerMTok: null,
    cacheWrite1hUsdPerMTok: null,
    outputUsdPerMTok: "8",
    inputAudioUsdPerMTok: null,
    outputAudioUsdPerMTok: null,
    tiers: null,
    source: "genai-prices",
  },
};

export const prices: PricesResponse = {
  unpriced: [{ provider: "openai", model: "gpt-9", calls: 3, lastSeen: "2026-11-26T10:00:00.000Z" }],
  prices: [
    { ...rateLimitedCall.price!, dailyStartUtc: null, dailyEndUtc: null },
    {
      ...rateLimitedCall.price!,
      dailyStartUtc: null,
      dailyEndUtc: null,
      id: "price-mini",
      model: "gpt-4o-mini",
      inputUsdPerMTok: "0.15",
      cachedInputUsdPerMTok: "0.075",
      outputUsdPerMTok: "0.6",
    },
  ],
  total: 2,
  offset: 0,
  limit: 100,
  nextOffset: null,
};

/** GET /api/prices as the API answers it: the rows searched ("provider model"), then one page of them. */
export function pricesPage(unpriced: PricesResponse["unpriced"], rows: PricesResponse["prices"], url: URL): PricesResponse {
  const search = (url.searchParams.get("search") ?? "").toLowerCase();
  const limit = Number(url.searchParams.get("limit") ?? 100);
  const offset = Number(url.searchParams.get("offset") ?? 0);
  const matching = rows.filter((p) => `${p.provider} ${p.model}`.toLowerCase().includes(search));
  const end = offset + limit;
  return {
    unpriced,
    prices: matching.slice(offset, end),
    total: matching.length,
    offset,
    limit,
    nextOffset: end < matching.length ? end : null,
  };
}

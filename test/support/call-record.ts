import type { CallRecord } from "../../server/src/domain/call-record.ts";

let seq = 0;

/** A finished call with sensible defaults (an ok, priced, non-streamed gpt-4o-mini call); override what matters. */
export function callRecord(overrides: Partial<CallRecord> = {}): CallRecord {
  seq++;
  return {
    id: `0190c0de-0000-7000-8000-${String(seq).padStart(12, "0")}`,
    startedAt: new Date("2026-11-26T12:00:00Z"),
    provider: "openai",
    endpoint: "chat.completions",
    model: "gpt-4o-mini",
    responseModel: "gpt-4o-mini-2024-07-18",
    deployment: null,
    app: "checkout",
    user: null,
    properties: null,
    keyId: null,
    stream: false,
    status: 200,
    outcome: "ok",
    errorType: null,
    errorMessage: null,
    errorBody: null,
    upstreamRequestId: null,
    serviceTier: null,
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    usageSource: "reported",
    costUsd: "0",
    priceId: "price-gpt-4o-mini",
    priced: true,
    latencyMs: 100,
    ttftMs: null,
    overheadMs: 0.2,
    requestBytes: 100,
    responseBytes: 200,
    requestBody: null,
    responseBody: null,
    ...overrides,
  };
}

/** A call that failed upstream before any usage: no tokens, no price. */
export function failedCall(overrides: Partial<CallRecord> = {}): CallRecord {
  return callRecord({
    status: 500,
    outcome: "upstream_error",
    errorType: "server_error",
    errorMessage: "The server had an error",
    usageSource: "none",
    costUsd: null,
    priceId: null,
    priced: false,
    ...overrides,
  });
}

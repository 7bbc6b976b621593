import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { uuidv7 } from "../../../server/src/lib/uuidv7.ts";

/** A call record with every kind of value a record carries: a Date, decimal strings, nulls, floats, an object. */
export function sampleRecord(i: number, overrides: Partial<CallRecord> = {}): CallRecord {
  const startedMs = Date.UTC(2026, 10, 26, 12, 0, 0, 123) + i * 1000;
  return {
    id: uuidv7(startedMs),
    startedAt: new Date(startedMs),
    provider: "openai",
    endpoint: "chat.completions",
    model: "gpt-4o-mini",
    responseModel: i % 2 === 0 ? "gpt-4o-mini-2024-07-18" : null,
    deployment: null,
    app: `app-${i % 3}`,
    user: i % 2 === 0 ? null : "user-ü-✓",
    properties: i % 2 === 0 ? { team: "search", 'quote"d': "line\nbreak" } : null,
    keyId: null,
    stream: i % 2 === 1,
    status: 200,
    outcome: "ok",
    errorType: null,
    errorMessage: null,
    errorBody: null,
    upstreamRequestId: `req_${i}`,
    serviceTier: "default",
    inputTokens: 1200 + i,
    cachedInputTokens: 400,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 300,
    reasoningTokens: 100,
    usageSource: "reported",
    costUsd: "0.0003300000123456",
    priceId: "price_1",
    priced: true,
    latencyMs: 123.456 + i / 7,
    ttftMs: i % 2 === 0 ? null : 45.125,
    overheadMs: 0.1 + 0.2,
    requestBytes: 512,
    responseBytes: 2048,
    requestBody: null,
    responseBody: null,
    ...overrides,
  };
}

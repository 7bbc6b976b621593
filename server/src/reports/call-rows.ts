/**
 * The calls table's columns under their API names; numeric money stays a string. Token counts are bigint
 * columns read as JSON numbers: recorded counts are at most 1e12 (recording/usage-bounds.ts), exact in a double.
 */
export const CALL_SELECT = `
  id, started_at AS "startedAt", provider, endpoint, model, response_model AS "responseModel", deployment, app,
  "user", properties, key_id AS "keyId", stream, status, outcome, error_type AS "errorType",
  error_message AS "errorMessage", error_body AS "errorBody", upstream_request_id AS "upstreamRequestId",
  service_tier AS "serviceTier", input_tokens::float8 AS "inputTokens", cached_input_tokens::float8 AS "cachedInputTokens",
  cache_write_tokens::float8 AS "cacheWriteTokens", cache_write_1h_tokens::float8 AS "cacheWrite1hTokens",
  output_tokens::float8 AS "outputTokens", reasoning_tokens::float8 AS "reasoningTokens", audio_input_tokens::float8 AS "audioInputTokens", audio_output_tokens::float8 AS "audioOutputTokens", usage_source AS "usageSource",
  usage_clamped AS "usageClamped",
  cost_usd AS "costUsd", fees, fees_usd AS "feesUsd", price_id AS "priceId", priced, latency_ms AS "latencyMs", ttft_ms AS "ttftMs",
  overhead_ms AS "overheadMs", request_bytes AS "requestBytes", response_bytes AS "responseBytes",
  request_body AS "requestBody", response_body AS "responseBody", session_id AS "sessionId", trace_id AS "traceId",
  parent_span_id AS "parentSpanId"`;

export interface CallRow {
  id: string;
  startedAt: Date;
  costUsd: string | null;
  [key: string]: unknown;
}

/** Trailing zeros of a Postgres numeric are noise for people; the value stays exact. */
export function trimDecimal(value: string | null): string | null {
  if (value === null || !value.includes(".")) return value;
  const trimmed = value.replace(/0+$/, "");
  return trimmed.endsWith(".") ? trimmed + "0" : trimmed;
}

export function callJson(row: CallRow): Record<string, unknown> {
  return { ...row, startedAt: row.startedAt.toISOString(), costUsd: trimDecimal(row.costUsd), feesUsd: trimDecimal((row.feesUsd as string | null | undefined) ?? null) };
}

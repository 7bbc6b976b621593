import { Prisma } from "../generated/prisma/client.ts";
import type { CallRecord, Outcome } from "../domain/call-record.ts";
import type { UsageSource } from "../domain/usage.ts";
import type { Fee } from "../domain/fee.ts";

/**
 * The calls table's columns under their API names; numeric money stays a string. Token counts are bigint
 * columns read as JSON numbers: recorded counts are at most 1e12 (recording/usage-bounds.ts), exact in a double.
 */
export const CALL_SELECT = Prisma.raw(`
  id, started_at AS "startedAt", provider, endpoint, model, response_model AS "responseModel", deployment, app,
  "user", properties, key_id AS "keyId", stream, status, outcome, error_type AS "errorType",
  error_message AS "errorMessage", error_body AS "errorBody", upstream_request_id AS "upstreamRequestId",
  service_tier AS "serviceTier", finish_reasons AS "finishReasons", input_tokens::float8 AS "inputTokens", cached_input_tokens::float8 AS "cachedInputTokens",
  cache_write_tokens::float8 AS "cacheWriteTokens", cache_write_1h_tokens::float8 AS "cacheWrite1hTokens",
  output_tokens::float8 AS "outputTokens", reasoning_tokens::float8 AS "reasoningTokens", audio_input_tokens::float8 AS "audioInputTokens", audio_output_tokens::float8 AS "audioOutputTokens", usage_source AS "usageSource",
  usage_clamped AS "usageClamped",
  cost_usd::text AS "costUsd", fees, fees_usd::text AS "feesUsd", price_id AS "priceId", priced, latency_ms AS "latencyMs", ttft_ms AS "ttftMs",
  overhead_ms AS "overheadMs", request_bytes AS "requestBytes", response_bytes AS "responseBytes",
  request_body AS "requestBody", response_body AS "responseBody", session_id AS "sessionId", trace_id AS "traceId",
  parent_span_id AS "parentSpanId"`);

/** Fields a record may leave out that a stored row always has (null, false, 0 or [] when left out). */
type AlwaysRead =
  | "finishReasons"
  | "usageClamped"
  | "fees"
  | "feesUsd"
  | "sessionId"
  | "traceId"
  | "parentSpanId"
  | "audioInputTokens"
  | "audioOutputTokens";

/**
 * A calls row as CALL_SELECT reads it: the call's record as it was stored (domain/call-record.ts), minus
 * what is not stored (the trace flags and state), with every optional field present.
 */
export type CallRow = Omit<CallRecord, AlwaysRead | "outcome" | "usageSource" | "traceFlags" | "traceState"> & {
  /** rows recorded before an outcome was split keep their old value, readable in filters */
  outcome: Outcome | (string & {});
  usageSource: UsageSource | (string & {});
  /** why generation stopped, as the provider said it, one per choice ("stop", "end_turn", "MAX_TOKENS"…); [] when not said */
  finishReasons: string[];
  /** the provider reported implausible usage, recorded clamped */
  usageClamped: boolean;
  /** per-request and tool fees (web searches, grounding…); feesUsd is part of costUsd */
  fees: Fee[] | null;
  feesUsd: string | null;
  sessionId: string | null;
  traceId: string | null;
  parentSpanId: string | null;
  audioInputTokens: number;
  audioOutputTokens: number;
};

/** Trailing zeros of a Postgres numeric are noise for people; the value stays exact. */
export function trimDecimal(value: string | null): string | null {
  if (value === null || !value.includes(".")) return value;
  const trimmed = value.replace(/0+$/, "");
  return trimmed.endsWith(".") ? trimmed + "0" : trimmed;
}

export function callJson(row: CallRow): Omit<CallRow, "startedAt"> & { startedAt: string } {
  return { ...row, startedAt: row.startedAt.toISOString(), costUsd: trimDecimal(row.costUsd), feesUsd: trimDecimal(row.feesUsd ?? null) };
}

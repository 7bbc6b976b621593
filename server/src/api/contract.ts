// The reporting API's response bodies, as their JSON arrives: one module the routers type their answers
// with and the dashboard imports type-only (dashboard/src/api/types.ts), so the two cannot drift. Types
// only: nothing here runs, and importing it never pulls server code into the dashboard's bundle.
import type { Outcome } from "../domain/call-record.ts";
import type { priceRowToJson } from "../pricing/price-row.ts";
import type { SessionCall, SessionSummary } from "../reports/sessions.ts";

/** What JSON.stringify makes of a value: Dates become ISO strings, the rest keeps its shape. */
export type Json<T> = T extends Date
  ? string
  : T extends ReadonlyArray<infer U>
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

export type { Outcome } from "../domain/call-record.ts";
export type { FailuresReport } from "../reports/failures.ts";
export type { LatencyReport } from "../reports/latency.ts";
export type { TopError } from "../reports/top-errors.ts";
export type { SpendFigures, SpendGroup } from "../reports/spend-report.ts";
export type { ComparedReport as SpendResponse } from "../reports/spend-compare.ts";
export type { SessionCall } from "../reports/sessions.ts";
export type { StreamsReport as StreamsResponse } from "../reports/latency-streams.ts";
export type { SuggestField, Suggestions as SuggestResponse } from "../reports/suggestions.ts";
export type { MatchType, PriceTier } from "../pricing/price-row.ts";

/** A price row as GET /api/prices sends it. */
export type Price = ReturnType<typeof priceRowToJson>;
/** The price a call's detail shows (its daily window is not read there). */
export type CallPrice = Omit<Price, "dailyStartUtc" | "dailyEndUtc">;

/** GET /api/prices: models seen without a price (most calls first), then the price rows. */
interface UnpricedModel {
  provider: string;
  model: string;
  calls: number;
  lastSeen: string;
}
export interface PricesResponse {
  unpriced: UnpricedModel[];
  /** one page of the table (search matches "provider model"); total counts every matching row */
  prices: Price[];
  total: number;
  offset: number;
  limit: number;
  nextOffset: number | null;
}

/** A per-request or tool fee of a call; count and usd are null when unknown. */
interface CallFee {
  kind: string;
  count: number | null;
  usd: string | null;
}

/** One row of GET /api/calls (the columns of server/src/reports/call-rows.ts's CALL_SELECT). */
export interface Call {
  id: string;
  startedAt: string;
  provider: string;
  endpoint: string;
  model: string | null;
  responseModel: string | null;
  deployment: string | null;
  app: string;
  user: string | null;
  properties: Record<string, string> | null;
  keyId: string | null;
  stream: boolean;
  status: number;
  /** rows recorded before an outcome was split keep their old value, readable in filters */
  outcome: Outcome | (string & {});
  errorType: string | null;
  errorMessage: string | null;
  errorBody: string | null;
  upstreamRequestId: string | null;
  serviceTier: string | null;
  /** why generation stopped, as the provider said it, one per choice ("stop", "end_turn", "MAX_TOKENS"…); [] when not said */
  finishReasons: string[];
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  audioInputTokens: number;
  audioOutputTokens: number;
  usageSource: "reported" | "estimated" | "none" | (string & {});
  /** the provider reported implausible usage, recorded clamped */
  usageClamped: boolean;
  /** null: no price matched (unknown, not zero) */
  costUsd: string | null;
  /** per-request and tool fees (web searches, grounding…); feesUsd is part of costUsd */
  fees: CallFee[] | null;
  feesUsd: string | null;
  priceId: string | null;
  priced: boolean;
  latencyMs: number;
  ttftMs: number | null;
  overheadMs: number;
  requestBytes: number;
  responseBytes: number;
  /** stored bodies (TOLLGATE_LOG_BODIES), secrets redacted; a stream's response is its assembled JSON */
  requestBody: string | null;
  responseBody: string | null;
  sessionId: string | null;
  traceId: string | null;
  parentSpanId: string | null;
}

/** GET /api/calls. */
export interface CallsPage {
  calls: Call[];
  nextCursor: string | null;
}

/** GET /api/calls/:id: the row, its stored request (for copy as curl) and the price it was charged at. */
export interface CallDetail extends Call {
  price: CallPrice | null;
  request?: { method: string; path: string; query: string | null; headers: Record<string, string> | null } | null;
  requestTruncated?: boolean;
  responseTruncated?: boolean;
  responseAssembled?: boolean;
}

/** GET /api/sessions and /api/sessions/:id. */
export interface SessionsPage {
  sessions: SessionSummary[];
  nextCursor: string | null;
}
export interface SessionDetail {
  session: SessionSummary;
  calls: SessionCall[];
}

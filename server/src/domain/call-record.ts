import type { Usage, UsageSource } from "./usage.ts";
import type { Fee } from "./fee.ts";
import type { ProxyFailureKind } from "../lib/errors.ts";

export const OUTCOMES = [
  "ok",
  "upstream_error",
  "bad_request",
  "rate_limited",
  "network_error",
  "timeout",
  "client_cancelled",
  "budget_blocked",
  "auth_failed",
  "proxy_error",
] as const satisfies readonly ("ok" | "upstream_error" | "bad_request" | "rate_limited" | ProxyFailureKind)[];
export type Outcome = (typeof OUTCOMES)[number];

/**
 * One finished call, as the proxy hands it to the recorder and the metrics. Field names follow the
 * reporting API; costUsd is an exact decimal string, null when no price matched.
 */
export interface CallRecord extends Usage {
  id: string;
  startedAt: Date;
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
  outcome: Outcome;
  errorType: string | null;
  errorMessage: string | null;
  errorBody: string | null;
  upstreamRequestId: string | null;
  serviceTier: string | null;
  /** why generation stopped, as the provider said it, one per choice/candidate; absent or empty when not said */
  finishReasons?: string[] | null;
  usageSource: UsageSource;
  /**
   * the provider reported implausible usage (negative, fractional, not a number, above MAX_CALL_TOKENS) or
   * charge, recorded clamped (recording/usage-bounds.ts); absent means false
   */
  usageClamped?: boolean;
  costUsd: string | null;
  /** per-request and tool fees (web searches…) with their cost; their known sum, feesUsd, is part of costUsd */
  fees?: Fee[] | null;
  feesUsd?: string | null;
  priceId: string | null;
  priced: boolean;
  latencyMs: number;
  ttftMs: number | null;
  overheadMs: number;
  requestBytes: number;
  responseBytes: number;
  requestBody: string | null;
  responseBody: string | null;
  /** x-tollgate-session, else the incoming W3C trace id: the calls of one agent run or request share it */
  sessionId?: string | null;
  /** the incoming traceparent's trace id and span (the caller's span, this call's parent) */
  traceId?: string | null;
  parentSpanId?: string | null;
  /** the incoming trace's flags and tracestate, for the exported span; not stored */
  traceFlags?: number;
  traceState?: string | null;
}

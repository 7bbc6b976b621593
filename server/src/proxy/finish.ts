import type { CallRecord, Outcome } from "../domain/call-record.ts";
import type { Usage, UsageSource } from "../domain/usage.ts";
import { ZERO_USAGE } from "../domain/usage.ts";
import { priceFailedEmptyCall } from "../recording/zero-cost.ts";
import { boundUsage, plausibleReportedCost } from "../domain/usage-bounds.ts";
import { parseTraceparent } from "../tracing/trace-context.ts";
import type { CallState } from "./call-state.ts";
import type { Fee, FeeCount } from "../domain/fee.ts";
import type { BatchEvent } from "../providers/batches/batch-event.ts";
import { priceProviderOf } from "../providers/index.ts";

export interface PriceResult {
  costUsd: string | null;
  priceId: string | null;
  priced: boolean;
  fees?: Fee[] | null;
  feesUsd?: string | null;
}

/** The metering steps the proxy calls when a call ends; each may throw without failing the call. */
export interface Metering {
  /** tries the reported model first (dated snapshots, Azure deployments), then the requested one */
  priceCall(args: PriceArgs): PriceResult;
  /**
   * tokens estimated locally when the provider reported none (undefined when not possible); a promise when
   * counted elsewhere (the server's worker thread): the call's record then waits for it
   */
  estimateUsage?(call: CallState): Usage | undefined | Promise<Usage | undefined>;
  /** a batch endpoint's answer was read (batch created or seen, results read): ../integrations/batches */
  onBatch?(call: CallState, event: BatchEvent): void;
  /** `call` may be only the call's id once the call itself is done with (an estimate that failed later) */
  onFailure(stage: "usage" | "estimate" | "price", err: unknown, call: Pick<CallState, "id">): void;
}

type PriceArgs = {
  provider: string;
  model: string | null;
  responseModel: string | null;
  startedAt: Date;
  serviceTier: string | null;
  usage: Usage;
  fees?: readonly FeeCount[] | null;
};

function outcomeOf(call: CallState): Outcome {
  if (call.forcedOutcome) return call.forcedOutcome;
  if (call.status === 429) return "rate_limited";
  if (isClientError(call.status)) return "bad_request";
  if (call.status >= 400 || call.status < 100) return "upstream_error";
  // An error event inside a 200 stream (Anthropic's `event: error`, Responses' `response.failed`).
  if (call.facts.errorType || call.facts.errorMessage) {
    // Overload (Anthropic's overloaded_error, its 529) is the provider failing, not the caller's limit.
    return /rate.?limit|quota|resource_exhausted|throttl/i.test(call.facts.errorType ?? "") ? "rate_limited" : "upstream_error";
  }
  return "ok";
}

/**
 * A 4xx the provider answered because of the request itself (400 invalid request or context length, 404
 * unknown model, 413, 422…): the app's bug, not a provider outage. 401/403 (the provider key) and 408 (the
 * provider gave up waiting) stay upstream_error; 429 is rate_limited.
 */
function isClientError(status: number): boolean {
  return status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 408 && status !== 429;
}

/**
 * Whether a call without reported usage is estimated: it reached the provider and was not answered with an
 * error status — a completed call whose provider sent no usage, a client that left, a stream cut mid-way.
 * An upstream 4xx/5xx is not billed, and a call that never got a byte back for a network fault or timeout
 * is not either.
 */
function shouldEstimate(call: CallState, outcome: Outcome): boolean {
  if (!call.info.metered || call.dispatchedAt === 0) return false;
  if (call.firstByteAt > 0 && call.status >= 400) return false;
  if (outcome === "ok" || outcome === "client_cancelled") return true;
  return (outcome === "network_error" || outcome === "timeout") && call.firstByteAt > 0;
}

/** Builds the record of a finished call whose usage is reported or estimated synchronously (tests, tools). */
export function buildRecord(call: CallState, metering: Metering, endedAt: number): CallRecord {
  let built: CallRecord | undefined;
  finishRecord(call, metering, endedAt, (record) => (built = record));
  if (!built) throw new Error("buildRecord needs a synchronous estimateUsage");
  return built;
}

/**
 * Builds the record of a finished call — outcome, usage (reported, else estimated), cost, timings — and hands
 * it to `deliver` exactly once: at once, or when an asynchronous estimate settles. The record is built at
 * the end of the call (its timings are the call's, not the estimate's), so nothing of the call's state is
 * held while an estimate waits; a failed estimate leaves it without usage, reported through onFailure.
 */
export function finishRecord(
  call: CallState,
  metering: Metering,
  endedAt: number,
  deliver: (record: CallRecord) => void,
  /** the record as it is while its token estimate is counted elsewhere (journaled in case of a crash) */
  pending?: (record: CallRecord) => void,
): void {
  const facts = call.facts;
  const outcome = outcomeOf(call);
  const record = baseRecord(call, outcome, endedAt);
  // Only metered calls are priced; the price table's provider may differ from the route's (azure → openai,
  // Claude on a Vertex route → anthropic).
  const priceProvider = call.info.metered ? priceProviderOf(call) : null;
  if (facts.usage) {
    applyUsage(record, facts.usage, "reported", metering, priceProvider, facts.reportedCostUsd ?? null, facts.fees);
    if (priceProvider !== null) priceFailedEmptyCall(record);
    return deliver(record);
  }
  if (!metering.estimateUsage || !shouldEstimate(call, outcome)) {
    if (priceProvider !== null && !shouldEstimate(call, outcome)) priceFailedEmptyCall(record);
    return deliver(record);
  }
  let estimated: ReturnType<NonNullable<Metering["estimateUsage"]>>;
  try {
    estimated = metering.estimateUsage(call);
  } catch (err) {
    metering.onFailure("estimate", err, call);
    return deliver(record);
  }
  if (!(estimated instanceof Promise)) {
    if (estimated) applyUsage(record, estimated, "estimated", metering, priceProvider, null);
    return deliver(record);
  }
  const id = { id: call.id };
  pending?.(record);
  estimated.then(
    (usage) => {
      if (usage) applyUsage(record, usage, "estimated", metering, priceProvider, null);
      deliver(record);
    },
    (err: unknown) => {
      metering.onFailure("estimate", err, id);
      deliver(record);
    },
  );
}

/**
 * Sets a record's usage and prices it. The provider's own charge (OpenRouter's usage.cost) wins over the table.
 * Implausible usage is recorded clamped and flagged; counts above the bound are not a bill, so not priced.
 */
function applyUsage(
  record: CallRecord,
  reported: Usage,
  source: UsageSource,
  metering: Metering,
  priceProvider: string | null,
  reportedCost: string | null,
  fees?: readonly FeeCount[],
): void {
  const { usage, clamped, overBound } = boundUsage(reported);
  const reportedCostUsd = plausibleReportedCost(reportedCost);
  if (clamped || reportedCostUsd !== reportedCost) record.usageClamped = true;
  record.inputTokens = usage.inputTokens;
  record.cachedInputTokens = usage.cachedInputTokens;
  record.cacheWriteTokens = usage.cacheWriteTokens;
  record.cacheWrite1hTokens = usage.cacheWrite1hTokens;
  record.outputTokens = usage.outputTokens;
  record.reasoningTokens = usage.reasoningTokens;
  if (usage.audioInputTokens) record.audioInputTokens = usage.audioInputTokens;
  if (usage.audioOutputTokens) record.audioOutputTokens = usage.audioOutputTokens;
  record.usageSource = source;
  if (priceProvider === null || overBound) return;
  try {
    const price = metering.priceCall({
      provider: priceProvider,
      model: record.model,
      responseModel: record.responseModel,
      startedAt: record.startedAt,
      serviceTier: record.serviceTier,
      usage,
      fees: fees ?? null,
    });
    record.costUsd = price.costUsd;
    record.priceId = price.priceId;
    record.priced = price.priced;
    if (price.fees) {
      record.fees = price.fees;
      record.feesUsd = price.feesUsd ?? null;
    }
  } catch (err) {
    metering.onFailure("price", err, record);
  }
  if (reportedCostUsd && source === "reported") {
    record.costUsd = reportedCostUsd;
    record.priceId = null;
    record.priced = true;
  }
}

/** The record of a finished call without usage (usageSource "none", unpriced): what applyUsage completes. */
function baseRecord(call: CallState, outcome: Outcome, endedAt: number): CallRecord {
  const facts = call.facts;
  const latencyMs = endedAt - call.arrivedAt;
  const insideBefore = (call.dispatchedAt || endedAt) - (call.bodyReadAt || call.arrivedAt);
  const insideAfter = call.upstreamEndedAt ? endedAt - call.upstreamEndedAt : 0;
  // An error reply's first byte is not a token: no time to first token for an error status, nor for a stream
  // that failed before any token arrived.
  const errorReply = call.status >= 400 || call.status < 100;
  const ttftAt = errorReply ? 0 : call.info.stream ? call.firstTokenAt || (outcome === "ok" ? call.firstByteAt : 0) : call.firstByteAt;
  const attribution = call.attribution;
  const trace = parseTraceparent(attribution.traceparent, attribution.tracestate);
  return {
    id: call.id,
    startedAt: new Date(call.startedMs),
    provider: call.provider.name,
    endpoint: call.info.endpoint,
    model: call.info.model,
    responseModel: facts.responseModel ?? null,
    deployment: call.info.deployment,
    app: call.attribution.app ?? "unknown",
    user: call.attribution.user,
    properties: call.attribution.properties,
    keyId: call.keyId,
    stream: call.info.stream,
    status: call.status,
    outcome,
    errorType: call.errorType ?? facts.errorType ?? (outcome === "ok" ? null : `http_${call.status}`),
    errorMessage: call.errorMessage ?? facts.errorMessage ?? null,
    errorBody: call.errorBodyText,
    upstreamRequestId: call.upstreamRequestId ?? facts.requestId ?? null,
    serviceTier: facts.serviceTier ?? null,
    finishReasons: facts.finishReasons ?? null,
    ...ZERO_USAGE,
    usageSource: "none",
    costUsd: null,
    priceId: null,
    priced: false,
    latencyMs: round3(latencyMs),
    ttftMs: ttftAt ? round3(ttftAt - call.arrivedAt) : null,
    overheadMs: round3(Math.max(0, insideBefore + insideAfter)),
    requestBytes: call.requestBytes,
    responseBytes: call.responseBytes,
    requestBody: null, // captured bodies are stored apart, in call_bodies
    responseBody: null,
    sessionId: attribution.session ?? trace?.traceId ?? null,
    traceId: trace?.traceId ?? null,
    parentSpanId: trace?.parentSpanId ?? null,
    traceFlags: trace?.flags,
    traceState: trace?.state ?? null,
  };
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

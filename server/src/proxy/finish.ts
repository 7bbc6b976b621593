import type { CallRecord, Outcome } from "../metering/call-record.ts";
import type { Usage, UsageSource } from "../metering/usage.ts";
import { ZERO_USAGE } from "../metering/usage.ts";
import type { CallState } from "./call-state.ts";

export interface PriceResult {
  costUsd: string | null;
  priceId: string | null;
  priced: boolean;
}

/** The metering steps the proxy calls when a call ends; each may throw without failing the call. */
export interface Metering {
  /** tries the reported model first (dated snapshots, Azure deployments), then the requested one */
  priceCall(args: { provider: string; model: string | null; responseModel: string | null; startedAt: Date; serviceTier: string | null; usage: Usage }): PriceResult;
  /** tokens estimated locally when the provider reported none (undefined when not possible) */
  estimateUsage?(call: CallState): Usage | undefined;
  onFailure(stage: "usage" | "estimate" | "price", err: unknown, call: CallState): void;
}

function outcomeOf(call: CallState): Outcome {
  if (call.forcedOutcome) return call.forcedOutcome;
  if (call.status === 429) return "rate_limited";
  if (call.status >= 400 || call.status < 100) return "upstream_error";
  // An error event inside a 200 stream (Anthropic's `event: error`, Responses' `response.failed`).
  if (call.facts.errorType || call.facts.errorMessage) {
    // Overload (Anthropic's overloaded_error, its 529) is the provider failing, not the caller's limit.
    return /rate.?limit|quota|resource_exhausted/i.test(call.facts.errorType ?? "") ? "rate_limited" : "upstream_error";
  }
  return "ok";
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

/** Builds the record of a finished call: outcome, usage (reported, else estimated), cost, timings. */
export function buildRecord(call: CallState, metering: Metering, endedAt: number, logBodies: boolean): CallRecord {
  const facts = call.facts;
  const outcome = outcomeOf(call);
  let usage: Usage = ZERO_USAGE;
  let usageSource: UsageSource = "none";
  if (facts.usage) {
    usage = facts.usage;
    usageSource = "reported";
  } else if (metering.estimateUsage && shouldEstimate(call, outcome)) {
    try {
      const estimated = metering.estimateUsage(call);
      if (estimated) {
        usage = estimated;
        usageSource = "estimated";
      }
    } catch (err) {
      metering.onFailure("estimate", err, call);
    }
  }
  const model = call.info.model;
  const responseModel = facts.responseModel ?? null;
  let price: PriceResult = { costUsd: null, priceId: null, priced: false };
  if (call.info.metered && usageSource !== "none") {
    try {
      price = metering.priceCall({
        provider: call.provider.priceProvider,
        model,
        responseModel,
        startedAt: new Date(call.startedMs),
        serviceTier: facts.serviceTier ?? null,
        usage,
      });
    } catch (err) {
      metering.onFailure("price", err, call);
    }
    // The provider's own charge (OpenRouter's usage.cost) is the bill itself: it wins over the table.
    if (facts.reportedCostUsd && usageSource === "reported") price = { costUsd: facts.reportedCostUsd, priceId: null, priced: true };
  }
  const latencyMs = endedAt - call.arrivedAt;
  const insideBefore = (call.dispatchedAt || endedAt) - (call.bodyReadAt || call.arrivedAt);
  const insideAfter = call.upstreamEndedAt ? endedAt - call.upstreamEndedAt : 0;
  const ttftAt = call.info.stream ? call.firstTokenAt || call.firstByteAt : call.firstByteAt;
  return {
    id: call.id,
    startedAt: new Date(call.startedMs),
    provider: call.provider.name,
    endpoint: call.info.endpoint,
    model,
    responseModel,
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
    ...usage,
    usageSource,
    costUsd: price.costUsd,
    priceId: price.priceId,
    priced: price.priced,
    latencyMs: round3(latencyMs),
    ttftMs: ttftAt ? round3(ttftAt - call.arrivedAt) : null,
    overheadMs: round3(Math.max(0, insideBefore + insideAfter)),
    requestBytes: call.requestBytes,
    responseBytes: call.responseBytes,
    requestBody: logBodies ? call.requestBody : null,
    responseBody: null,
  };
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

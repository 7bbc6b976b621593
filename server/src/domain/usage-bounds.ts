import type { Usage } from "./usage.ts";

/**
 * The most tokens one call can be recorded with. No call comes near it (the largest context windows are
 * about 1e7 tokens), it fits the bigint token columns with room for millions of such calls per rollup row,
 * and sums of up to 9,000 of them stay exact as float64 (2^53 ≈ 9e15: Prometheus counters, JS sums).
 */
export const MAX_CALL_TOKENS = 1e12;

/**
 * The most a provider-reported charge (OpenRouter's usage.cost) may be: a million dollars for one call is
 * not a bill but a fault, and calls.cost_usd (numeric(28,16)) holds less than 1e12.
 */
export const MAX_REPORTED_COST_USD = 1e6;

const FIELDS = ["inputTokens", "cachedInputTokens", "cacheWriteTokens", "cacheWrite1hTokens", "outputTokens", "reasoningTokens"] as const;

function plausible(v: unknown): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= MAX_CALL_TOKENS;
}

/** A count made recordable: not a finite number → 0, negative → 0, fractional → rounded, over the bound → the bound. */
function clampCount(v: unknown): number {
  const n = typeof v === "number" ? v : Number(v);
  if (!(n > 0)) return 0; // NaN, negatives, null, non-numbers
  return n >= MAX_CALL_TOKENS ? MAX_CALL_TOKENS : Math.round(n);
}

export interface BoundedUsage {
  usage: Usage;
  /** some count was implausible (negative, fractional, not a number, above MAX_CALL_TOKENS) and was clamped */
  clamped: boolean;
  /** some count was above MAX_CALL_TOKENS: not a real bill, so the call is left unpriced */
  overBound: boolean;
}

/** Usage as a provider reported it, clamped to what a call can plausibly use. The same object when it is plausible. */
export function boundUsage(usage: Usage): BoundedUsage {
  let ok = true;
  for (const f of FIELDS) ok &&= plausible(usage[f]);
  if (ok) return { usage, clamped: false, overBound: false };
  const out = { ...usage };
  let overBound = false;
  for (const f of FIELDS) {
    const v = usage[f] as unknown;
    if ((typeof v === "number" ? v : Number(v)) > MAX_CALL_TOKENS) overBound = true;
    out[f] = clampCount(v);
  }
  return { usage: out, clamped: true, overBound };
}

/** A reported charge that can be recorded: a decimal string below MAX_REPORTED_COST_USD, else null. */
export function plausibleReportedCost(cost: string | null): string | null {
  if (cost === null) return null;
  const n = Number(cost);
  return n >= 0 && n < MAX_REPORTED_COST_USD ? cost : null;
}

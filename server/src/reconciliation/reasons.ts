// The difference between Tollgate's figures and a provider's, and its likeliest reason.
import { compare, formatDecimal, normalize, parseDecimal, roundTo, subtract, type Decimal } from "../lib/decimal.ts";
import type { Figures, Freshness } from "../reports/reconciliation-sql.ts";

/**
 * How long after a day (or a call) the providers' reports are taken to have caught up: usage appears
 * within minutes, costs can take longer. A day fetched this long after its end is "complete".
 */
export const PROVIDER_SETTLE_MS = 3_600_000;

export const REASONS = [
  "match",
  "unmetered_traffic",
  "price_drift",
  "unpriced_in_tollgate",
  "provider_lag",
  "metered_not_reported",
  "key_not_held",
  "key_unmapped",
  "pass_through",
  "mixed",
] as const;
export type Reason = (typeof REASONS)[number];

/** Tollgate's figure, the provider's, provider − Tollgate, and that as a % of the provider's figure. */
export interface Measure {
  tollgate: string | null;
  provider: string | null;
  diff: string | null;
  pct: string | null;
}

export const TOKEN_KINDS = ["inputTokens", "cachedInputTokens", "cacheWriteTokens", "cacheWrite1hTokens", "outputTokens"] as const;
export const ZERO_FIGURES: Figures = {
  requests: "0",
  inputTokens: "0",
  cachedInputTokens: "0",
  cacheWriteTokens: "0",
  cacheWrite1hTokens: "0",
  outputTokens: "0",
  costUsd: "0",
};

export const dec = (s: string | null | undefined): Decimal => parseDecimal(s ?? "0");

export function measure(tollgate: string | null, provider: string | null): Measure {
  if (tollgate === null || provider === null) return { tollgate, provider, diff: null, pct: null };
  const d = subtract(dec(provider), dec(tollgate));
  const base = dec(provider);
  let pct: string | null = null;
  if (d.units === 0n) pct = "0";
  else if (base.units !== 0n) {
    // diff / provider × 100, to 2 decimals: scale both to one integer base, then divide with rounding.
    const scale = Math.max(d.scale, base.scale);
    const num = d.units * 10n ** BigInt(scale - d.scale) * 10_000n * 2n;
    const den = base.units * 10n ** BigInt(scale - base.scale);
    let q = num / den;
    q = q >= 0n ? (q + 1n) / 2n : (q - 1n) / 2n;
    pct = formatDecimal(normalize({ units: q, scale: 2 }));
  }
  return { tollgate: canonical(tollgate), provider: canonical(provider), diff: formatDecimal(normalize(d)), pct };
}

const canonical = (s: string) => formatDecimal(normalize(roundTo(dec(s), 16)));

export interface ClassifyInput {
  tollgate: Figures | null;
  provider: Figures | null;
  fetch: Freshness | undefined;
  lastCall: Date | null;
  webSearchRequests: string;
  unpricedCalls: string;
}

/** The likeliest reason for a difference; "match" when there is none. */
export function classify(input: ClassifyInput): Reason {
  const t = input.tollgate ?? ZERO_FIGURES;
  const p = input.provider ?? ZERO_FIGURES;
  const cmp = TOKEN_KINDS.map((k) => compare(dec(p[k]), dec(t[k])));
  const providerMore = cmp.some((c) => c > 0);
  const providerLess = cmp.some((c) => c < 0);
  const costCmp = p.costUsd === null || t.costUsd === null ? 0 : compare(dec(p.costUsd), dec(t.costUsd));
  const requestsCmp = p.requests === null || t.requests === null ? 0 : compare(dec(p.requests), dec(t.requests));
  if (!providerMore && !providerLess && costCmp === 0 && requestsCmp === 0) return "match";
  const unpriced = dec(input.unpricedCalls).units > 0n;
  if (providerLess) {
    const caughtUp = input.fetch && input.lastCall && input.fetch.fetchedAt.getTime() >= input.lastCall.getTime() + PROVIDER_SETTLE_MS;
    if (!caughtUp) return "provider_lag";
  }
  if (providerMore && !providerLess && requestsCmp >= 0) return "unmetered_traffic";
  if (!providerMore && !providerLess && requestsCmp === 0 && costCmp !== 0) {
    // A cost with no tokens on either side is a fee (web search, tools) Tollgate does not price.
    const noTokens = TOKEN_KINDS.every((k) => dec(p[k]).units === 0n);
    if (unpriced || noTokens || dec(input.webSearchRequests).units > 0n) return "unpriced_in_tollgate";
    return "price_drift";
  }
  if (unpriced && costCmp > 0) return "unpriced_in_tollgate";
  if (providerLess && !providerMore) return "metered_not_reported";
  return "mixed";
}

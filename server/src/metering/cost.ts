import { add, divideByPowerOf10, formatDecimal, multiplyByInteger, normalize, parseDecimal, roundTo, ZERO, type Decimal } from "./decimal.ts";
import type { PriceBook, ServiceTierBasis } from "./price-book.ts";
import type { PriceRow, PriceTier, Rates } from "./price-row.ts";
import type { Usage } from "./usage.ts";

/** calls.cost_usd is DECIMAL(28, 16): costs are exact to that scale (beyond it only after a tier multiplier). */
export const COST_SCALE = 16;

export interface Priceable extends Rates {
  tiers: PriceTier[] | null;
}

/** The rates that apply to a call with `inputTokens` total input: the highest tier it exceeds, else the base. */
export function ratesFor(price: Priceable, inputTokens: number): Rates {
  let tier: PriceTier | undefined;
  for (const t of price.tiers ?? []) if (inputTokens > t.aboveInputTokens && (!tier || t.aboveInputTokens > tier.aboveInputTokens)) tier = t;
  if (!tier) return price;
  return {
    inputUsdPerMTok: tier.inputUsdPerMTok ?? price.inputUsdPerMTok,
    cachedInputUsdPerMTok: tier.cachedInputUsdPerMTok ?? price.cachedInputUsdPerMTok,
    cacheWriteUsdPerMTok: tier.cacheWriteUsdPerMTok ?? price.cacheWriteUsdPerMTok,
    cacheWrite1hUsdPerMTok: tier.cacheWrite1hUsdPerMTok ?? price.cacheWrite1hUsdPerMTok,
    outputUsdPerMTok: tier.outputUsdPerMTok ?? price.outputUsdPerMTok,
  };
}

function tokens(n: number): number {
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/**
 * The exact cost of a call (PROVIDERS.md §2.3) from normalized usage, where inputTokens includes cache reads
 * and writes and outputTokens includes reasoning:
 *   uncached input × input + cache reads × cachedInput + 5m writes × cacheWrite + 1h writes × cacheWrite1h
 *   + output × output,
 * with a missing cache rate falling back as genai-prices does (reads → input, 5m writes → input,
 * 1h writes → the 5m write rate → input). Long-context tiers price every token once the total input exceeds
 * the tier's threshold.
 */
export function costFor(price: Priceable, usage: Usage): { costUsd: string } {
  const input = tokens(usage.inputTokens);
  const rates = ratesFor(price, input);
  const cached = Math.min(tokens(usage.cachedInputTokens), input);
  const writes = Math.min(tokens(usage.cacheWriteTokens), input - cached);
  const writes1h = Math.min(tokens(usage.cacheWrite1hTokens), writes);
  const uncached = input - cached - writes;

  const inputRate = parseDecimal(rates.inputUsdPerMTok);
  const cachedRate = rates.cachedInputUsdPerMTok == null ? inputRate : parseDecimal(rates.cachedInputUsdPerMTok);
  const writeRate = rates.cacheWriteUsdPerMTok == null ? inputRate : parseDecimal(rates.cacheWriteUsdPerMTok);
  const write1hRate = rates.cacheWrite1hUsdPerMTok == null ? writeRate : parseDecimal(rates.cacheWrite1hUsdPerMTok);
  const outputRate = parseDecimal(rates.outputUsdPerMTok);

  const parts: Array<[Decimal, number]> = [
    [inputRate, uncached],
    [cachedRate, cached],
    [writeRate, writes - writes1h],
    [write1hRate, writes1h],
    [outputRate, tokens(usage.outputTokens)],
  ];
  let perMillion = ZERO;
  for (const [rate, count] of parts) if (count > 0) perMillion = add(perMillion, multiplyByInteger(rate, count));
  const cost = roundTo(divideByPowerOf10(perMillion, 6), COST_SCALE);
  return { costUsd: formatDecimal(normalize(cost)) };
}

export interface PriceCallInput {
  provider: string;
  /** the model as requested */
  model: string | null;
  /** the model as the provider reported it; tried first (Azure deployments, dated snapshots) */
  responseModel?: string | null;
  startedAt: Date;
  serviceTier: string | null;
  usage: Usage;
}

export interface PricedCall {
  costUsd: string | null;
  priceId: string | null;
  priced: boolean;
  /** how the service tier was honoured; "standard-fallback" means the tier's price was unknown */
  serviceTierBasis: ServiceTierBasis | null;
}

export const UNPRICED: Readonly<PricedCall> = Object.freeze({ costUsd: null, priceId: null, priced: false, serviceTierBasis: null });

/** Finds the call's price and costs it; an unknown model gives costUsd null and priced false, never "0". */
export function priceCall(book: PriceBook, call: PriceCallInput): PricedCall {
  for (const name of [call.responseModel, call.model]) {
    if (!name) continue;
    const match = book.priceFor(call.provider, name, call.startedAt, call.serviceTier);
    if (!match) continue;
    return {
      costUsd: costFor(match.price, call.usage).costUsd,
      priceId: match.price.id,
      priced: true,
      serviceTierBasis: match.serviceTierBasis,
    };
  }
  return { ...UNPRICED };
}

export type { PriceRow };

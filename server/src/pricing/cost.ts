import {
  add,
  divideByPowerOf10,
  formatDecimal,
  multiplyByInteger,
  normalize,
  parseDecimal,
  roundTo,
  ZERO,
  type Decimal,
} from "../lib/decimal.ts";
import type { PriceBook, ServiceTierBasis } from "./price-book.ts";
import type { PriceTier, Rates } from "./price-row.ts";
import type { Usage } from "../domain/usage.ts";
import { priceFees } from "./fees.ts";
import type { Fee, FeeCount } from "../domain/fee.ts";

/** calls.cost_usd is DECIMAL(28, 16): costs are exact to that scale (beyond it only after a tier multiplier). */
export const COST_SCALE = 16;

export interface Priceable extends Rates {
  tiers: PriceTier[] | null;
}

/** The tier a call with `inputTokens` total input falls in: the highest threshold it exceeds. */
function tierFor(price: Priceable, inputTokens: number): PriceTier | undefined {
  let tier: PriceTier | undefined;
  for (const t of price.tiers ?? [])
    if (inputTokens > t.aboveInputTokens && (!tier || t.aboveInputTokens > tier.aboveInputTokens)) tier = t;
  return tier;
}

/** The rates that apply to a call with `inputTokens` total input: its tier's, else the base row's. */
export function ratesFor(price: Priceable, inputTokens: number): Rates {
  const tier = tierFor(price, inputTokens);
  if (!tier) return price;
  return {
    inputUsdPerMTok: tier.inputUsdPerMTok ?? price.inputUsdPerMTok,
    cachedInputUsdPerMTok: tier.cachedInputUsdPerMTok ?? price.cachedInputUsdPerMTok,
    cacheWriteUsdPerMTok: tier.cacheWriteUsdPerMTok ?? price.cacheWriteUsdPerMTok,
    cacheWrite1hUsdPerMTok: tier.cacheWrite1hUsdPerMTok ?? price.cacheWrite1hUsdPerMTok,
    outputUsdPerMTok: tier.outputUsdPerMTok ?? price.outputUsdPerMTok,
    inputAudioUsdPerMTok: price.inputAudioUsdPerMTok,
    outputAudioUsdPerMTok: price.outputAudioUsdPerMTok,
  };
}

/** Rates parsed to decimals, with the fallbacks for missing cache prices already applied. */
interface ParsedRates {
  input: Decimal;
  cachedInput: Decimal;
  cacheWrite: Decimal;
  cacheWrite1h: Decimal;
  output: Decimal;
  inputAudio: Decimal;
  outputAudio: Decimal;
}

function parseRates(rates: Rates): ParsedRates {
  const input = parseDecimal(rates.inputUsdPerMTok);
  const cacheWrite = rates.cacheWriteUsdPerMTok == null ? input : parseDecimal(rates.cacheWriteUsdPerMTok);
  const output = parseDecimal(rates.outputUsdPerMTok);
  return {
    inputAudio: rates.inputAudioUsdPerMTok == null ? input : parseDecimal(rates.inputAudioUsdPerMTok),
    outputAudio: rates.outputAudioUsdPerMTok == null ? output : parseDecimal(rates.outputAudioUsdPerMTok),
    input,
    cachedInput: rates.cachedInputUsdPerMTok == null ? input : parseDecimal(rates.cachedInputUsdPerMTok),
    cacheWrite,
    cacheWrite1h: rates.cacheWrite1hUsdPerMTok == null ? cacheWrite : parseDecimal(rates.cacheWrite1hUsdPerMTok),
    output,
  };
}

// Price rows live as long as their book; parsing their strings once per row and tier keeps the hot path
// to a few BigInt multiplications.
const parsedCache = new WeakMap<Priceable, Map<number, ParsedRates>>();

function parsedRatesFor(price: Priceable, inputTokens: number): ParsedRates {
  const tier = tierFor(price, inputTokens);
  const key = tier ? tier.aboveInputTokens : -1;
  let byTier = parsedCache.get(price);
  if (!byTier) {
    byTier = new Map();
    parsedCache.set(price, byTier);
  }
  let parsed = byTier.get(key);
  if (!parsed) {
    parsed = parseRates(ratesFor(price, inputTokens));
    byTier.set(key, parsed);
  }
  return parsed;
}

function tokens(n: number): number {
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/**
 * The exact cost of a call from normalized usage, where inputTokens includes cache reads
 * and writes and outputTokens includes reasoning:
 *   uncached input × input + cache reads × cachedInput + 5m writes × cacheWrite + 1h writes × cacheWrite1h
 *   + output × output,
 * with a missing cache rate falling back as genai-prices does (reads → input, 5m writes → input,
 * 1h writes → the 5m write rate → input). Long-context tiers price every token once the total input exceeds
 * the tier's threshold. Audio tokens (part of the uncached input and of the output) cost the row's audio
 * rates, or the text rates when it has none.
 */
export function costFor(price: Priceable, usage: Usage): { costUsd: string } {
  const input = tokens(usage.inputTokens);
  const rates = parsedRatesFor(price, input);
  const cached = Math.min(tokens(usage.cachedInputTokens), input);
  const writes = Math.min(tokens(usage.cacheWriteTokens), input - cached);
  const writes1h = Math.min(tokens(usage.cacheWrite1hTokens), writes);
  const audioIn = Math.min(tokens(usage.audioInputTokens ?? 0), input - cached - writes);
  const output = tokens(usage.outputTokens);
  const audioOut = Math.min(tokens(usage.audioOutputTokens ?? 0), output);
  const parts: Array<[Decimal, number]> = [
    [rates.input, input - cached - writes - audioIn],
    [rates.inputAudio, audioIn],
    [rates.cachedInput, cached],
    [rates.cacheWrite, writes - writes1h],
    [rates.cacheWrite1h, writes1h],
    [rates.output, output - audioOut],
    [rates.outputAudio, audioOut],
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
  /** per-request and tool fees the response reported (web searches…), priced from the fee prices */
  fees?: readonly FeeCount[] | null;
}

export interface PricedCall {
  costUsd: string | null;
  priceId: string | null;
  priced: boolean;
  /** how the service tier was honoured; "standard-fallback" means the tier's price was unknown */
  serviceTierBasis: ServiceTierBasis | null;
  /** the call's fees with their cost (null without fees); their known sum is feesUsd, included in costUsd */
  fees?: Fee[] | null;
  feesUsd?: string | null;
}

export const UNPRICED: Readonly<PricedCall> = Object.freeze({ costUsd: null, priceId: null, priced: false, serviceTierBasis: null });

/**
 * Finds the call's price and costs it; an unknown model gives costUsd null and priced false, never "0".
 * Fees are priced on their own and added to a priced call's cost; an unpriced call keeps costUsd null
 * (its fees are still recorded with their cost).
 */
export function priceCall(book: PriceBook, call: PriceCallInput): PricedCall {
  const fees = call.fees && call.fees.length > 0 ? priceFees(book.fees, call, call.fees) : null;
  const withFees = (priced: PricedCall): PricedCall => {
    if (!fees) return priced;
    const costUsd =
      priced.costUsd !== null && fees.feesUsd !== null
        ? formatDecimal(normalize(add(parseDecimal(priced.costUsd), parseDecimal(fees.feesUsd))))
        : priced.costUsd;
    return { ...priced, costUsd, fees: fees.fees, feesUsd: fees.feesUsd };
  };
  for (const name of [call.responseModel, call.model]) {
    if (!name) continue;
    const match = book.priceFor(call.provider, name, call.startedAt, call.serviceTier);
    if (!match) continue;
    return withFees({
      costUsd: costFor(match.price, call.usage).costUsd,
      priceId: match.price.id,
      priced: true,
      serviceTierBasis: match.serviceTierBasis,
    });
  }
  return withFees({ ...UNPRICED });
}

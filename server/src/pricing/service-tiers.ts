import { formatDecimal, multiply, normalize, parseDecimal } from "../lib/decimal.ts";
import type { PriceRow, PriceTier } from "./price-row.ts";

/**
 * Service tiers (OpenAI `service_tier`, Anthropic `usage.service_tier`, batch jobs) billed as a fixed
 * fraction of the standard price. genai-prices has no service-tier prices, so where a provider documents a
 * uniform discount we apply it to the standard row; a tier-specific row in the table always wins over this.
 * Priority tiers are left out on purpose: their premiums differ per model (1.67x to 2x). OpenAI's published
 * priority rates are seeded as tier rows (../pricing/priority-prices.ts); a priority call with no row falls
 * back to the standard price and is reported as such rather than guessed.
 */
const MULTIPLIERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  openai: { flex: "0.5", batch: "0.5" },
  azure: { batch: "0.5" },
  anthropic: { batch: "0.5" },
  google: { batch: "0.5" },
  gemini: { batch: "0.5" },
};

/** The documented multiplier for `tier` on the price source provider `provider`, or null. */
export function serviceTierMultiplier(provider: string, tier: string): string | null {
  return MULTIPLIERS[provider]?.[tier] ?? null;
}

function scaleRate(rate: string, factor: string): string {
  return formatDecimal(normalize(multiply(parseDecimal(rate), parseDecimal(factor))));
}

/** A copy of `row` with every rate multiplied by `factor` (the id stays: it is the row the price came from). */
export function scaleRow(row: PriceRow, factor: string): PriceRow {
  const opt = (rate: string | null) => (rate == null ? null : scaleRate(rate, factor));
  const tier = (t: PriceTier): PriceTier => {
    const out: PriceTier = { aboveInputTokens: t.aboveInputTokens };
    if (t.inputUsdPerMTok !== undefined) out.inputUsdPerMTok = scaleRate(t.inputUsdPerMTok, factor);
    if (t.cachedInputUsdPerMTok !== undefined) out.cachedInputUsdPerMTok = scaleRate(t.cachedInputUsdPerMTok, factor);
    if (t.cacheWriteUsdPerMTok !== undefined) out.cacheWriteUsdPerMTok = scaleRate(t.cacheWriteUsdPerMTok, factor);
    if (t.cacheWrite1hUsdPerMTok !== undefined) out.cacheWrite1hUsdPerMTok = scaleRate(t.cacheWrite1hUsdPerMTok, factor);
    if (t.outputUsdPerMTok !== undefined) out.outputUsdPerMTok = scaleRate(t.outputUsdPerMTok, factor);
    return out;
  };
  return {
    ...row,
    inputUsdPerMTok: scaleRate(row.inputUsdPerMTok, factor),
    cachedInputUsdPerMTok: opt(row.cachedInputUsdPerMTok),
    cacheWriteUsdPerMTok: opt(row.cacheWriteUsdPerMTok),
    cacheWrite1hUsdPerMTok: opt(row.cacheWrite1hUsdPerMTok),
    outputUsdPerMTok: scaleRate(row.outputUsdPerMTok, factor),
    inputAudioUsdPerMTok: opt(row.inputAudioUsdPerMTok ?? null),
    outputAudioUsdPerMTok: opt(row.outputAudioUsdPerMTok ?? null),
    tiers: row.tiers ? row.tiers.map(tier) : null,
  };
}

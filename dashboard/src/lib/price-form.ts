// Checking the "new price" form before it is sent: required fields, decimal money, a valid UTC time.
import type { MatchType, NewPrice } from "../api.ts";
import { isDecimalString, parseDecimal } from "./money.ts";
import { fromUtcInput } from "./time-range.ts";

export const MATCH_TYPES = ["exact", "prefix", "suffix", "contains", "regex"] as const satisfies readonly MatchType[];

export interface PriceDraft {
  provider: string;
  model: string;
  matchType: string;
  serviceTier: string;
  /** a datetime-local value, read as UTC */
  effectiveFrom: string;
  inputUsdPerMTok: string;
  cachedInputUsdPerMTok: string;
  cacheWriteUsdPerMTok: string;
  cacheWrite1hUsdPerMTok: string;
  outputUsdPerMTok: string;
}

export type PriceDraftErrors = Partial<Record<keyof PriceDraft, string>>;

export function emptyDraft(nowIso: string, provider = "", model = ""): PriceDraft {
  return {
    provider,
    model,
    matchType: "exact",
    serviceTier: "",
    effectiveFrom: nowIso.slice(0, 16),
    inputUsdPerMTok: "",
    cachedInputUsdPerMTok: "",
    cacheWriteUsdPerMTok: "",
    cacheWrite1hUsdPerMTok: "",
    outputUsdPerMTok: "",
  };
}

function money(value: string, required: boolean): { value: string | null; error?: string } {
  const v = value.trim();
  if (v === "") return required ? { value: null, error: "required" } : { value: null };
  if (!isDecimalString(v)) return { value: null, error: "a decimal number of dollars, e.g. 0.15" };
  if (parseDecimal(v) < 0n) return { value: null, error: "cannot be negative" };
  return { value: v };
}

/** The price row to POST, or the problems per field. */
export function validatePriceDraft(d: PriceDraft): { price: NewPrice } | { errors: PriceDraftErrors } {
  const errors: PriceDraftErrors = {};
  if (!d.provider.trim()) errors.provider = "required";
  if (!d.model.trim()) errors.model = "required";
  if (!(MATCH_TYPES as readonly string[]).includes(d.matchType)) errors.matchType = `one of ${MATCH_TYPES.join(", ")}`;
  const effectiveFrom = fromUtcInput(d.effectiveFrom);
  if (!effectiveFrom) errors.effectiveFrom = "a date and time (UTC)";
  const fields = [
    "inputUsdPerMTok",
    "cachedInputUsdPerMTok",
    "cacheWriteUsdPerMTok",
    "cacheWrite1hUsdPerMTok",
    "outputUsdPerMTok",
  ] as const;
  const values: Partial<Record<(typeof fields)[number], string | null>> = {};
  for (const f of fields) {
    const m = money(d[f], f === "inputUsdPerMTok" || f === "outputUsdPerMTok");
    if (m.error) errors[f] = m.error;
    values[f] = m.value;
  }
  if (Object.keys(errors).length > 0 || !effectiveFrom) return { errors };
  return {
    price: {
      provider: d.provider.trim(),
      model: d.model.trim(),
      matchType: d.matchType as MatchType, // checked against MATCH_TYPES above
      serviceTier: d.serviceTier.trim() || null,
      effectiveFrom,
      inputUsdPerMTok: values.inputUsdPerMTok ?? "0",
      cachedInputUsdPerMTok: values.cachedInputUsdPerMTok ?? null,
      cacheWriteUsdPerMTok: values.cacheWriteUsdPerMTok ?? null,
      cacheWrite1hUsdPerMTok: values.cacheWrite1hUsdPerMTok ?? null,
      outputUsdPerMTok: values.outputUsdPerMTok ?? "0",
      tiers: null,
    },
  };
}

import { z } from "zod";
import { normalizeTimeOfDay } from "./daily-window.ts";
import { canonicalDecimal, decimalFromNumber, formatDecimal, isDecimalString, normalize, parseDecimal } from "../lib/decimal.ts";

/** How a row's `model` is compared with a call's model name (always case-insensitively). */
export const MATCH_TYPES = ["exact", "prefix", "suffix", "contains", "regex"] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

/**
 * A long-context tier: once a call's total input tokens exceed `aboveInputTokens`, every token of the call
 * is charged at the tier's rates. A rate the tier leaves out (undefined) is unchanged from the base row.
 */
export interface PriceTier {
  aboveInputTokens: number;
  inputUsdPerMTok?: string;
  cachedInputUsdPerMTok?: string;
  cacheWriteUsdPerMTok?: string;
  cacheWrite1hUsdPerMTok?: string;
  outputUsdPerMTok?: string;
}

/** The rates (USD per 1M tokens, decimal strings) that a cost is computed from. */
export interface Rates {
  inputUsdPerMTok: string;
  cachedInputUsdPerMTok: string | null;
  cacheWriteUsdPerMTok: string | null;
  cacheWrite1hUsdPerMTok: string | null;
  outputUsdPerMTok: string;
  /** audio input and output tokens' rates; absent or null, audio tokens cost the text rate */
  inputAudioUsdPerMTok?: string | null;
  outputAudioUsdPerMTok?: string | null;
}

/** One row of the `prices` table, money as canonical decimal strings. */
export interface PriceRow extends Rates {
  id: string;
  provider: string;
  model: string;
  matchType: MatchType;
  serviceTier: string | null;
  effectiveFrom: Date;
  tiers: PriceTier[] | null;
  /** a daily window ("HH:MM:SS" UTC, end exclusive, wrapping past midnight) the row is limited to */
  dailyStartUtc?: string | null;
  dailyEndUtc?: string | null;
  source: string;
  createdAt?: Date;
}

const timeOfDaySchema = z.string().transform((v, ctx) => {
  const t = normalizeTimeOfDay(v);
  if (!t) {
    ctx.addIssue({ code: "custom", message: "must be a UTC time of day, HH:MM or HH:MM:SS" });
    return z.NEVER;
  }
  return t;
});

const MONEY_SCALE = 10; // prices columns are DECIMAL(20, 10)

/** A non-negative USD rate given as a decimal string (or a plain JSON number), at most 10 decimals. */
export const usdRateSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = typeof value === "number" ? (Number.isFinite(value) ? formatDecimal(decimalFromNumber(value)) : "x") : value;
  if (!isDecimalString(text)) {
    ctx.addIssue({ code: "custom", message: "must be a decimal number of USD per 1M tokens" });
    return z.NEVER;
  }
  const d = normalize(parseDecimal(text));
  if (d.units < 0n || d.scale > MONEY_SCALE) {
    ctx.addIssue({ code: "custom", message: `must be non-negative with at most ${MONEY_SCALE} decimals` });
    return z.NEVER;
  }
  return formatDecimal(d);
});

export const priceTierSchema = z.object({
  aboveInputTokens: z.number().int().nonnegative(),
  inputUsdPerMTok: usdRateSchema.optional(),
  cachedInputUsdPerMTok: usdRateSchema.optional(),
  cacheWriteUsdPerMTok: usdRateSchema.optional(),
  cacheWrite1hUsdPerMTok: usdRateSchema.optional(),
  outputUsdPerMTok: usdRateSchema.optional(),
});

/** A price row as an admin (POST /api/prices) or the config file gives it: no id, no source. */
export const priceInputSchema = z
  .object({
    provider: z.string().trim().min(1).max(100),
    model: z.string().trim().min(1).max(300),
    matchType: z.enum(MATCH_TYPES).default("exact"),
    serviceTier: z.string().trim().min(1).max(50).nullable().default(null),
    effectiveFrom: z
      .union([z.date(), z.string()])
      .transform((v) => (typeof v === "string" ? new Date(v) : v))
      .refine((d) => !Number.isNaN(d.getTime()), "must be an ISO-8601 time"),
    inputUsdPerMTok: usdRateSchema,
    cachedInputUsdPerMTok: usdRateSchema.nullable().default(null),
    cacheWriteUsdPerMTok: usdRateSchema.nullable().default(null),
    cacheWrite1hUsdPerMTok: usdRateSchema.nullable().default(null),
    outputUsdPerMTok: usdRateSchema,
    inputAudioUsdPerMTok: usdRateSchema.nullable().default(null),
    outputAudioUsdPerMTok: usdRateSchema.nullable().default(null),
    tiers: z.array(priceTierSchema).max(20).nullable().default(null),
    dailyStartUtc: timeOfDaySchema.nullable().default(null),
    dailyEndUtc: timeOfDaySchema.nullable().default(null),
  })
  .superRefine((row, ctx) => {
    if ((row.dailyStartUtc == null) !== (row.dailyEndUtc == null))
      ctx.addIssue({
        code: "custom",
        path: [row.dailyStartUtc == null ? "dailyStartUtc" : "dailyEndUtc"],
        message: "dailyStartUtc and dailyEndUtc go together",
      });
    else if (row.dailyStartUtc != null && row.dailyStartUtc === row.dailyEndUtc)
      ctx.addIssue({ code: "custom", path: ["dailyEndUtc"], message: "must differ from dailyStartUtc" });
    if (row.matchType === "regex") {
      try {
        new RegExp(row.model, "i");
      } catch {
        ctx.addIssue({ code: "custom", path: ["model"], message: "is not a valid regular expression" });
      }
    }
  });
export type PriceInput = z.output<typeof priceInputSchema>;

/** Service tiers that mean "the standard price" whichever way a provider spells them. */
const STANDARD_TIERS = new Set(["default", "standard", "auto", "on_demand", "on-demand", "shared"]);

export function normalizeServiceTier(tier: string | null | undefined): string | null {
  if (tier == null) return null;
  const t = tier.trim().toLowerCase();
  return t === "" || STANDARD_TIERS.has(t) ? null : t;
}

export interface DbPriceRow {
  id: string;
  provider: string;
  model: string;
  match_type: string;
  service_tier: string | null;
  effective_from: Date;
  input: string;
  cached_input: string | null;
  cache_write: string | null;
  cache_write_1h: string | null;
  output: string;
  input_audio: string | null;
  output_audio: string | null;
  tiers: unknown;
  daily_start_utc: string | null;
  daily_end_utc: string | null;
  source: string;
  created_at: Date;
}

/** Selects rows with money as text, so the result is exact whatever type parsers the pool has. */
export const SELECT_PRICES_SQL = `SELECT id, provider, model, match_type, service_tier, effective_from,
  input_usd_per_mtok::text AS input, cached_input_usd_per_mtok::text AS cached_input,
  cache_write_usd_per_mtok::text AS cache_write, cache_write_1h_usd_per_mtok::text AS cache_write_1h,
  output_usd_per_mtok::text AS output, input_audio_usd_per_mtok::text AS input_audio,
  output_audio_usd_per_mtok::text AS output_audio, tiers, daily_start_utc, daily_end_utc, source, created_at FROM prices`;

const optionalRate = (v: string | null) => (v == null ? null : canonicalDecimal(v));

export function priceRowFromDb(r: DbPriceRow): PriceRow {
  const matchType = (MATCH_TYPES as readonly string[]).includes(r.match_type) ? (r.match_type as MatchType) : "exact";
  const tiers = Array.isArray(r.tiers) ? (r.tiers as unknown[]).map((t) => priceTierSchema.parse(t)) : null;
  return {
    id: r.id,
    provider: r.provider,
    model: r.model,
    matchType,
    serviceTier: r.service_tier,
    effectiveFrom: r.effective_from,
    inputUsdPerMTok: canonicalDecimal(r.input),
    cachedInputUsdPerMTok: optionalRate(r.cached_input),
    cacheWriteUsdPerMTok: optionalRate(r.cache_write),
    cacheWrite1hUsdPerMTok: optionalRate(r.cache_write_1h),
    outputUsdPerMTok: canonicalDecimal(r.output),
    inputAudioUsdPerMTok: optionalRate(r.input_audio),
    outputAudioUsdPerMTok: optionalRate(r.output_audio),
    tiers: tiers && tiers.length > 0 ? tiers.sort((a, b) => a.aboveInputTokens - b.aboveInputTokens) : null,
    dailyStartUtc: r.daily_start_utc,
    dailyEndUtc: r.daily_end_utc,
    source: r.source,
    createdAt: r.created_at,
  };
}

/** The JSON shape of docs/api.md (`/api/prices`). */
export function priceRowToJson(row: PriceRow) {
  return {
    id: row.id,
    provider: row.provider,
    model: row.model,
    matchType: row.matchType,
    serviceTier: row.serviceTier,
    effectiveFrom: row.effectiveFrom.toISOString(),
    inputUsdPerMTok: row.inputUsdPerMTok,
    cachedInputUsdPerMTok: row.cachedInputUsdPerMTok,
    cacheWriteUsdPerMTok: row.cacheWriteUsdPerMTok,
    cacheWrite1hUsdPerMTok: row.cacheWrite1hUsdPerMTok,
    outputUsdPerMTok: row.outputUsdPerMTok,
    inputAudioUsdPerMTok: row.inputAudioUsdPerMTok ?? null,
    outputAudioUsdPerMTok: row.outputAudioUsdPerMTok ?? null,
    tiers: row.tiers,
    dailyStartUtc: row.dailyStartUtc ?? null,
    dailyEndUtc: row.dailyEndUtc ?? null,
    source: row.source,
  };
}

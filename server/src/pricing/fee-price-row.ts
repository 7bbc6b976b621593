import { z } from "zod";
import { canonicalDecimal } from "../lib/decimal.ts";
import { MATCH_TYPES, usdRateSchema, type MatchType } from "./price-row.ts";

/**
 * What a call is charged for besides its tokens, one kind per billed unit: a web search, a file search, a
 * grounded prompt. Kinds are lower-case names shared by the adapters that count them and the fee prices.
 */
export const FEE_KINDS = {
  /** Anthropic `usage.server_tool_use.web_search_requests`, OpenAI `web_search_call` output items */
  webSearch: "web_search",
  /** Anthropic `usage.server_tool_use.web_fetch_requests` (no charge beyond tokens) */
  webFetch: "web_fetch",
  /** OpenAI `file_search_call` output items */
  fileSearch: "file_search",
  /** Anthropic code execution: billed by container time, which responses do not report */
  codeExecution: "code_execution",
  /** OpenAI `code_interpreter_call` output items: billed per container session, which they do not report */
  codeInterpreter: "code_interpreter",
  /** Gemini grounding with Google Search: per grounded prompt (Gemini 2.x) or per search query (Gemini 3) */
  googleSearch: "google_search",
} as const;

/** One dated price of a fee: USD per unit for calls on matching models of a provider. */
export interface FeePriceRow {
  id: string;
  provider: string;
  kind: string;
  /** the model name, prefix or pattern per matchType; "" with "prefix" prices every model of the provider */
  model: string;
  matchType: MatchType;
  effectiveFrom: Date;
  usdPerUnit: string;
  source: string;
  createdAt?: Date;
}

/** A fee price as the config file gives it (`feePrices: [...]` in TOLLGATE_CONFIG): no id, no source. */
export const feePriceInputSchema = z.object({
  provider: z.string().trim().min(1).max(100),
  kind: z.string().trim().min(1).max(50),
  model: z.string().trim().max(300).default(""),
  matchType: z.enum(MATCH_TYPES).default("prefix"),
  effectiveFrom: z
    .union([z.date(), z.string()])
    .transform((v) => (typeof v === "string" ? new Date(v) : v))
    .refine((d) => !Number.isNaN(d.getTime()), "must be an ISO-8601 time"),
  usdPerUnit: usdRateSchema,
});
export type FeePriceInput = z.output<typeof feePriceInputSchema>;

export interface DbFeePriceRow {
  id: string;
  provider: string;
  kind: string;
  model: string;
  match_type: string;
  effective_from: Date;
  usd_per_unit: string;
  source: string;
  created_at: Date;
}

export const SELECT_FEE_PRICES_SQL = `SELECT id, provider, kind, model, match_type, effective_from,
  usd_per_unit::text AS usd_per_unit, source, created_at FROM fee_prices`;

export function feePriceRowFromDb(r: DbFeePriceRow): FeePriceRow {
  return {
    id: r.id,
    provider: r.provider,
    kind: r.kind,
    model: r.model,
    matchType: (MATCH_TYPES as readonly string[]).includes(r.match_type) ? (r.match_type as MatchType) : "exact",
    effectiveFrom: r.effective_from,
    usdPerUnit: canonicalDecimal(r.usd_per_unit),
    source: r.source,
    createdAt: r.created_at,
  };
}

import { createHash } from "node:crypto";
import type pg from "pg";
import { waitForUpdate, type ModelPrice, type Provider } from "@pydantic/genai-prices";
import { decimalFromNumber, divideByPowerOf10, formatDecimal, normalize } from "../lib/decimal.ts";
import { branches, GENAI_PRICES_SOURCE } from "./genai-prices-source.ts";
import { FEE_KINDS, feePriceInputSchema, type FeePriceInput, type FeePriceRow } from "./fee-price-row.ts";

export const FEE_SEED_SOURCE = "tollgate";
const CONFIG_SOURCE = "config";
const BEGINNING = new Date("1970-01-01T00:00:00.000Z");

/** genai-prices' per-thousand fee keys and the fee kinds they price. */
const SOURCE_FEE_KEYS: ReadonlyArray<readonly [keyof ModelPrice & string, string]> = [
  ["web_searches_kcount", FEE_KINDS.webSearch],
  ["storage_searches_kcount", FEE_KINDS.fileSearch], // OpenAI's file search tool calls
];

const hashId = (prefix: string, content: unknown) =>
  `${prefix}:${createHash("sha256").update(JSON.stringify(content)).digest("hex").slice(0, 16)}`;

/** genai-prices' fee prices (USD per 1,000) as rows of USD per unit, one per match branch and dated entry. */
export function convertGenaiFeePrices(providers: readonly Provider[]): FeePriceRow[] {
  const rows: FeePriceRow[] = [];
  for (const provider of providers) {
    for (const model of provider.models) {
      const entries = Array.isArray(model.prices) ? model.prices : [{ prices: model.prices }];
      for (const entry of entries) {
        const constraint = (entry as { constraint?: { type: string; start_date?: string } }).constraint;
        if (constraint && constraint.type !== "start_date") continue; // daily windows price tokens only
        const effectiveFrom = constraint?.start_date ? new Date(`${constraint.start_date}T00:00:00.000Z`) : BEGINNING;
        for (const [key, kind] of SOURCE_FEE_KEYS) {
          const perThousand = entry.prices[key];
          if (typeof perThousand !== "number") continue;
          const usdPerUnit = formatDecimal(normalize(divideByPowerOf10(decimalFromNumber(perThousand), 3)));
          for (const b of branches(model.match)) {
            const content = [provider.id, kind, b, effectiveFrom.toISOString(), usdPerUnit];
            rows.push({
              id: hashId(`gp:${provider.id}:${model.id}:${kind}`, content),
              provider: provider.id,
              kind,
              model: b.model,
              matchType: b.matchType,
              effectiveFrom,
              usdPerUnit,
              source: GENAI_PRICES_SOURCE,
            });
          }
        }
      }
    }
  }
  return rows;
}

const seedRow = (provider: string, kind: string, model: string, from: string, usdPerUnit: string): FeePriceRow => {
  const effectiveFrom = new Date(from);
  return {
    id: hashId(`tg:${provider}:${kind}`, [model, from, usdPerUnit]),
    provider,
    kind,
    model,
    matchType: "prefix",
    effectiveFrom,
    usdPerUnit,
    source: FEE_SEED_SOURCE,
  };
};

/**
 * Fee prices the price source lacks, from the providers' pricing pages:
 * - Gemini grounding with Google Search (ai.google.dev/gemini-api/docs/pricing): Gemini 2.x models $35 per
 *   1,000 grounded prompts; Gemini 3 models $14 per 1,000 search queries, billed from 2026-01-05 (free before). The free
 *   daily allowance (1,500 grounded prompts a day on some models) is per project and not modelled: every
 *   grounded prompt is priced.
 * - Anthropic web fetch: no charge beyond the tokens of the fetched content (its web fetch tool page), so a
 *   counted web fetch costs $0 rather than being unpriced. Web search, $10 per 1,000 searches (Anthropic's
 *   pricing page), as a fallback for Claude models genai-prices does not list.
 */
export const SEEDED_FEE_PRICES: readonly FeePriceRow[] = [
  seedRow("google", FEE_KINDS.googleSearch, "gemini-", "2024-10-31T00:00:00.000Z", "0.035"),
  seedRow("google", FEE_KINDS.googleSearch, "gemini-3", "1970-01-01T00:00:00.000Z", "0"),
  seedRow("google", FEE_KINDS.googleSearch, "gemini-3", "2026-01-05T00:00:00.000Z", "0.014"),
  seedRow("anthropic", FEE_KINDS.webFetch, "", "1970-01-01T00:00:00.000Z", "0"),
  seedRow("anthropic", FEE_KINDS.webSearch, "claude", "2025-05-07T00:00:00.000Z", "0.01"),
];

/** Validates the config's fee prices; throws an error naming the bad field (`feePrices.0.kind`). */
export function parseConfigFeePrices(raw: unknown): FeePriceInput[] {
  const parsed = feePriceInputSchema.array().safeParse(raw ?? []);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`fee prices (TOLLGATE_CONFIG): feePrices.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
}

/** A config row's id depends on what it prices, not its price, so editing the price updates the row. */
export function configFeePriceRow(input: FeePriceInput): FeePriceRow {
  const id = hashId(`config:${input.provider}:${input.kind}`, [
    input.provider.toLowerCase(),
    input.kind,
    input.matchType,
    input.model.toLowerCase(),
    input.effectiveFrom.toISOString(),
  ]);
  return { id, ...input, source: CONFIG_SOURCE };
}

function insertSql(onConflict: string): string {
  return `INSERT INTO fee_prices (id, provider, kind, model, match_type, effective_from, usd_per_unit, source)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::numeric[], $8::text[])
    ${onConflict}`;
}

const params = (rows: readonly FeePriceRow[]) => [
  rows.map((r) => r.id),
  rows.map((r) => r.provider),
  rows.map((r) => r.kind),
  rows.map((r) => r.model),
  rows.map((r) => r.matchType),
  rows.map((r) => r.effectiveFrom.toISOString()),
  rows.map((r) => r.usdPerUnit),
  rows.map((r) => r.source),
];

const UPSERT_CONFIG = `ON CONFLICT (id) DO UPDATE SET usd_per_unit = EXCLUDED.usd_per_unit, created_at = now()
  WHERE fee_prices.usd_per_unit IS DISTINCT FROM EXCLUDED.usd_per_unit`;

/**
 * Seeds fee_prices: the source's and Tollgate's rows (deterministic ids; existing rows kept) and the
 * config's (updated in place when their price changes). Returns how many rows were inserted or changed.
 */
export async function seedFeePrices(pool: pg.Pool, configRows: readonly unknown[] = []): Promise<number> {
  const source = [...convertGenaiFeePrices((await waitForUpdate()) ?? []), ...SEEDED_FEE_PRICES];
  let changed = (await pool.query(insertSql("ON CONFLICT (id) DO NOTHING"), params(source))).rowCount ?? 0;
  const custom = parseConfigFeePrices(configRows).map(configFeePriceRow);
  if (custom.length > 0) changed += (await pool.query(insertSql(UPSERT_CONFIG), params(custom))).rowCount ?? 0;
  return changed;
}

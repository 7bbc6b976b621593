import { createHash } from "node:crypto";
import type pg from "pg";
import type { PrismaClient } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { z } from "zod";
import { bundledGenaiPriceRows, type SourceConversion } from "./genai-prices-source.ts";
import { priceInputSchema, type PriceInput, type PriceRow } from "./price-row.ts";
import { PRIORITY_PRICE_ROWS } from "./priority-prices.ts";

export const CONFIG_SOURCE = "config";

/** Custom prices from TOLLGATE_CONFIG (`prices: [...]`), same fields as POST /api/prices. */
export const customPricesSchema = z.array(priceInputSchema);

/** Validates the config's custom price rows; throws an error naming the bad field (`prices.0.model`). */
export function parseCustomPrices(raw: unknown): PriceInput[] {
  const parsed = customPricesSchema.safeParse(raw ?? []);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`custom prices (TOLLGATE_CONFIG): prices.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
}

/**
 * A config row's id depends only on what it prices (provider, match, tier, start), not on its rates, so
 * editing a rate in the config updates the row instead of adding a competing one.
 */
export function configPriceRow(input: PriceInput): PriceRow {
  const key = [
    input.provider.toLowerCase(),
    input.matchType,
    input.model.toLowerCase(),
    input.serviceTier,
    input.effectiveFrom.toISOString(),
  ];
  if (input.dailyStartUtc) key.push(`${input.dailyStartUtc}-${input.dailyEndUtc}`);
  const hash = createHash("sha256").update(JSON.stringify(key)).digest("hex").slice(0, 16);
  return { id: `config:${input.provider}:${hash}`, ...input, source: CONFIG_SOURCE };
}

const COLUMNS = `id, provider, model, match_type, service_tier, effective_from, input_usd_per_mtok,
  cached_input_usd_per_mtok, cache_write_usd_per_mtok, cache_write_1h_usd_per_mtok, output_usd_per_mtok, tiers,
  daily_start_utc, daily_end_utc, source, input_audio_usd_per_mtok, output_audio_usd_per_mtok`;

/** One INSERT for any number of rows: arrays unnested server-side (no 65k-parameter limit). */
function insertSql(onConflict: string): string {
  return `INSERT INTO prices (${COLUMNS})
    SELECT id, provider, model, match_type, service_tier, effective_from, input, cached_input, cache_write,
           cache_write_1h, output, tiers::jsonb, daily_start, daily_end, source, input_audio, output_audio
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::numeric[],
                $8::numeric[], $9::numeric[], $10::numeric[], $11::numeric[], $12::text[], $13::text[], $14::text[],
                $15::text[], $16::numeric[], $17::numeric[])
      AS r(id, provider, model, match_type, service_tier, effective_from, input, cached_input, cache_write,
           cache_write_1h, output, tiers, daily_start, daily_end, source, input_audio, output_audio)
    ${onConflict}`;
}

function columnArrays(rows: readonly PriceRow[]): unknown[] {
  return [
    rows.map((r) => r.id),
    rows.map((r) => r.provider),
    rows.map((r) => r.model),
    rows.map((r) => r.matchType),
    rows.map((r) => r.serviceTier),
    rows.map((r) => r.effectiveFrom.toISOString()),
    rows.map((r) => r.inputUsdPerMTok),
    rows.map((r) => r.cachedInputUsdPerMTok),
    rows.map((r) => r.cacheWriteUsdPerMTok),
    rows.map((r) => r.cacheWrite1hUsdPerMTok),
    rows.map((r) => r.outputUsdPerMTok),
    rows.map((r) => (r.tiers ? JSON.stringify(r.tiers) : null)),
    rows.map((r) => r.dailyStartUtc ?? null),
    rows.map((r) => r.dailyEndUtc ?? null),
    rows.map((r) => r.source),
    rows.map((r) => r.inputAudioUsdPerMTok ?? null),
    rows.map((r) => r.outputAudioUsdPerMTok ?? null),
  ];
}

/** Inserts rows whose id is new; existing ids are left alone. Returns how many were inserted. */
export async function insertPriceRows(pool: pg.Pool | pg.PoolClient, rows: readonly PriceRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await pool.query(insertSql("ON CONFLICT (id) DO NOTHING"), columnArrays(rows));
  return result.rowCount ?? 0;
}

/** One new row through the model API (POST /api/prices: an admin's manual row under a fresh id). */
export async function insertPriceRow(prisma: PrismaClient, row: PriceRow): Promise<void> {
  await prisma.price.create({
    data: {
      id: row.id,
      provider: row.provider,
      model: row.model,
      matchType: row.matchType,
      serviceTier: row.serviceTier,
      effectiveFrom: row.effectiveFrom,
      inputUsdPerMTok: row.inputUsdPerMTok,
      cachedInputUsdPerMTok: row.cachedInputUsdPerMTok,
      cacheWriteUsdPerMTok: row.cacheWriteUsdPerMTok,
      cacheWrite1hUsdPerMTok: row.cacheWrite1hUsdPerMTok,
      outputUsdPerMTok: row.outputUsdPerMTok,
      inputAudioUsdPerMTok: row.inputAudioUsdPerMTok ?? null,
      outputAudioUsdPerMTok: row.outputAudioUsdPerMTok ?? null,
      tiers: row.tiers ? (row.tiers as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
      dailyStartUtc: row.dailyStartUtc ?? null,
      dailyEndUtc: row.dailyEndUtc ?? null,
      source: row.source,
    },
  });
}

const UPSERT_CONFIG = `ON CONFLICT (id) DO UPDATE SET
    input_usd_per_mtok = EXCLUDED.input_usd_per_mtok, cached_input_usd_per_mtok = EXCLUDED.cached_input_usd_per_mtok,
    cache_write_usd_per_mtok = EXCLUDED.cache_write_usd_per_mtok,
    cache_write_1h_usd_per_mtok = EXCLUDED.cache_write_1h_usd_per_mtok,
    output_usd_per_mtok = EXCLUDED.output_usd_per_mtok, tiers = EXCLUDED.tiers, model = EXCLUDED.model,
    input_audio_usd_per_mtok = EXCLUDED.input_audio_usd_per_mtok, output_audio_usd_per_mtok = EXCLUDED.output_audio_usd_per_mtok,
    created_at = now()
  WHERE (prices.input_usd_per_mtok, prices.cached_input_usd_per_mtok, prices.cache_write_usd_per_mtok,
         prices.cache_write_1h_usd_per_mtok, prices.output_usd_per_mtok, prices.tiers, prices.model,
         prices.input_audio_usd_per_mtok, prices.output_audio_usd_per_mtok)
    IS DISTINCT FROM (EXCLUDED.input_usd_per_mtok, EXCLUDED.cached_input_usd_per_mtok, EXCLUDED.cache_write_usd_per_mtok,
         EXCLUDED.cache_write_1h_usd_per_mtok, EXCLUDED.output_usd_per_mtok, EXCLUDED.tiers, EXCLUDED.model,
         EXCLUDED.input_audio_usd_per_mtok, EXCLUDED.output_audio_usd_per_mtok)`;

export interface SeedReport {
  /** rows derived from the bundled genai-prices data, and how many of them were new */
  sourceRows: number;
  inserted: number;
  /** config rows given, and how many were inserted or changed */
  configRows: number;
  configChanged: number;
  models: number;
  skipped: SourceConversion["skipped"];
  dailyWindowPrices: number;
  ignoredPriceKeys: Record<string, number>;
  ms: number;
}

/**
 * Seeds `prices` from the bundled genai-prices data (idempotent: deterministic ids, existing rows kept)
 * plus custom rows from config (source "config", updated in place when their rates change). Safe to run
 * at every start-up and from several replicas at once. `extraRows` are validated here (an invalid row throws
 * an error naming its field), so the config's raw `prices` array can be passed as is.
 */
export async function seedPrices(pool: pg.Pool, extraRows: readonly unknown[] = []): Promise<SeedReport> {
  const started = performance.now();
  const custom = parseCustomPrices(extraRows); // raw config rows or already-parsed ones
  const source = await bundledGenaiPriceRows();
  const inserted = (await insertPriceRows(pool, source.rows)) + (await insertPriceRows(pool, PRIORITY_PRICE_ROWS));
  let configChanged = 0;
  if (custom.length > 0) {
    const rows = custom.map(configPriceRow);
    const result = await pool.query(insertSql(UPSERT_CONFIG), columnArrays(rows));
    configChanged = result.rowCount ?? 0;
  }
  return {
    sourceRows: source.rows.length + PRIORITY_PRICE_ROWS.length,
    inserted,
    configRows: custom.length,
    configChanged,
    models: source.models,
    skipped: source.skipped,
    dailyWindowPrices: source.dailyWindowPrices,
    ignoredPriceKeys: source.ignoredPriceKeys,
    ms: Math.round(performance.now() - started),
  };
}

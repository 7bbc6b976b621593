import type { PrismaClient } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { PriceIndex, type PriceBookOptions, type PriceMatch } from "./price-index.ts";
import { priceRowFromDb, SELECT_PRICES_SQL, type DbPriceRow, type PriceRow } from "./price-row.ts";
import { FeeIndex } from "./fee-index.ts";
import { feePriceRowFromDb, SELECT_FEE_PRICES_SQL, type DbFeePriceRow, type FeePriceRow } from "./fee-price-row.ts";

export type { PriceBookOptions, PriceMatch, ServiceTierBasis } from "./price-index.ts";

/**
 * The price table the proxy, the API and recompute share. It holds an immutable PriceIndex and swaps in a
 * new one on reload(), so a lookup running during a reload sees either the old or the new table whole.
 */
export class PriceBook {
  private index: PriceIndex;
  private feeIndex: FeeIndex;
  private loadedAt = new Date();
  private fingerprint: string | null = null;

  private constructor(
    rows: PriceRow[],
    private readonly db: PrismaClient | null,
    private readonly options: PriceBookOptions,
    feeRows: FeePriceRow[] = [],
  ) {
    this.index = new PriceIndex(rows, options);
    this.feeIndex = new FeeIndex(feeRows, options.providerAliases);
  }

  /** A book over fixed rows (tests, tools); reload() is not available. */
  static fromRows(rows: PriceRow[], options: PriceBookOptions = {}, feeRows: FeePriceRow[] = []): PriceBook {
    return new PriceBook(rows, null, options, feeRows);
  }

  static async load(db: PrismaClient, options: PriceBookOptions = {}): Promise<PriceBook> {
    const fingerprint = await readFingerprint(db);
    const book = new PriceBook(await readPriceRows(db), db, options, await readFeePriceRows(db));
    book.fingerprint = fingerprint;
    return book;
  }

  /**
   * Re-reads the `prices` table (after POST /api/prices, and periodically to pick up other replicas' rows).
   * A cheap fingerprint query skips the reload when nothing changed, so a periodic reload costs one
   * round-trip, not a rebuild. Returns whether the table was re-read.
   */
  async reload(options: { force?: boolean } = {}): Promise<boolean> {
    if (!this.db) throw new Error("this PriceBook was not loaded from a database");
    const fingerprint = await readFingerprint(this.db);
    if (!options.force && fingerprint === this.fingerprint) return false;
    const rows = await readPriceRows(this.db);
    this.index = new PriceIndex(rows, this.options);
    this.feeIndex = new FeeIndex(await readFeePriceRows(this.db), this.options.providerAliases);
    this.fingerprint = fingerprint;
    this.loadedAt = new Date();
    return true;
  }

  /**
   * The price for a call: the newest row with effectiveFrom ≤ `at` matching the provider (or the price
   * source's provider it maps to) and the model, for the call's service tier when the table has one.
   * Null when no row matches: the call is then unpriced, never $0.
   */
  priceFor(provider: string, model: string, at: Date, serviceTier: string | null): PriceMatch | null {
    return this.index.priceFor(provider, model, at, serviceTier);
  }

  /** the fee prices (web search, file search, grounding…), looked up like token prices */
  get fees(): FeeIndex {
    return this.feeIndex;
  }

  get rows(): readonly PriceRow[] {
    return this.index.rows;
  }

  get unusableRows(): readonly PriceRow[] {
    return this.index.unusableRows;
  }

  get lastLoadedAt(): Date {
    return this.loadedAt;
  }
}

/** Changes whenever a row is added or a config row is updated (the upsert bumps created_at), fee prices too. */
async function readFingerprint(db: PrismaClient): Promise<string> {
  const rows = await db.$queryRaw<Array<{ f: string }>>`SELECT
      (SELECT count(*)::text || '/' || coalesce(max(created_at)::text, '') FROM prices) || '/' ||
      (SELECT count(*)::text || '/' || coalesce(max(created_at)::text, '') FROM fee_prices) AS f`;
  return rows[0]?.f ?? "";
}

async function readFeePriceRows(db: PrismaClient): Promise<FeePriceRow[]> {
  return (await db.$queryRaw<DbFeePriceRow[]>(Prisma.raw(SELECT_FEE_PRICES_SQL))).map(feePriceRowFromDb);
}

async function readPriceRows(db: PrismaClient): Promise<PriceRow[]> {
  return (await db.$queryRaw<DbPriceRow[]>(Prisma.raw(SELECT_PRICES_SQL))).map(priceRowFromDb);
}

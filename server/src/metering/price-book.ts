import type pg from "pg";
import { PriceIndex, type PriceBookOptions, type PriceMatch } from "./price-index.ts";
import { priceRowFromDb, SELECT_PRICES_SQL, type PriceRow } from "./price-row.ts";

export type { PriceBookOptions, PriceMatch, ServiceTierBasis } from "./price-index.ts";

/**
 * The price table the proxy, the API and recompute share. It holds an immutable PriceIndex and swaps in a
 * new one on reload(), so a lookup running during a reload sees either the old or the new table whole.
 */
export class PriceBook {
  private index: PriceIndex;
  private loadedAt = new Date();

  private constructor(
    rows: PriceRow[],
    private readonly pool: pg.Pool | null,
    private readonly options: PriceBookOptions,
  ) {
    this.index = new PriceIndex(rows, options);
  }

  /** A book over fixed rows (tests, tools); reload() is not available. */
  static fromRows(rows: PriceRow[], options: PriceBookOptions = {}): PriceBook {
    return new PriceBook(rows, null, options);
  }

  static async load(pool: pg.Pool, options: PriceBookOptions = {}): Promise<PriceBook> {
    return new PriceBook(await readPriceRows(pool), pool, options);
  }

  /** Re-reads the `prices` table (after POST /api/prices, or periodically to pick up other replicas' rows). */
  async reload(): Promise<void> {
    if (!this.pool) throw new Error("this PriceBook was not loaded from a database");
    const rows = await readPriceRows(this.pool);
    this.index = new PriceIndex(rows, this.options);
    this.loadedAt = new Date();
  }

  /**
   * The price for a call: the newest row with effectiveFrom ≤ `at` matching the provider (or the price
   * source's provider it maps to) and the model, for the call's service tier when the table has one.
   * Null when no row matches: the call is then unpriced, never $0.
   */
  priceFor(provider: string, model: string, at: Date, serviceTier: string | null): PriceMatch | null {
    return this.index.priceFor(provider, model, at, serviceTier);
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

async function readPriceRows(pool: pg.Pool): Promise<PriceRow[]> {
  const result = await pool.query(SELECT_PRICES_SQL);
  return result.rows.map(priceRowFromDb);
}

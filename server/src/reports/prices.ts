import type { PrismaClient } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { priceRowFromDb, SELECT_PRICES_SQL, type DbPriceRow, type PriceRow } from "../pricing/price-row.ts";

interface UnpricedRow {
  provider: string;
  /** never null: the query keeps only calls with a model */
  model: string;
  calls: string;
  last_seen: Date;
}

// Its WHERE is calls_unpriced_idx's predicate, so the count reads that partial index only.
export const UNPRICED_MODELS_SQL = Prisma.sql`SELECT provider, model, count(*)::text AS calls, max(started_at) AS last_seen
    FROM calls WHERE priced = false AND model IS NOT NULL AND usage_source <> 'none'
    GROUP BY provider, model ORDER BY count(*) DESC, max(started_at) DESC LIMIT 500`;

/**
 * Models seen in calls with usage that no price matched, most calls first (what an admin should price
 * next). Calls without usage (failed before any token) are never priced, so they are not listed.
 */
export async function unpricedModels(db: PrismaClient) {
  const rows = await db.$queryRaw<UnpricedRow[]>(UNPRICED_MODELS_SQL);
  return rows.map((r) => ({ provider: r.provider, model: r.model, calls: Number(r.calls), lastSeen: r.last_seen.toISOString() }));
}

/** The price table's rows, of one provider when given. */
export async function listPrices(db: PrismaClient, provider?: string): Promise<PriceRow[]> {
  const where = provider ? Prisma.sql` WHERE provider = ${provider}` : Prisma.empty;
  const rows = await db.$queryRaw<DbPriceRow[]>`${Prisma.raw(SELECT_PRICES_SQL)}${where}`;
  return rows.map(priceRowFromDb);
}

import type pg from "pg";
import { priceRowFromDb, SELECT_PRICES_SQL, type PriceRow } from "../pricing/price-row.ts";

interface UnpricedRow {
  provider: string;
  model: string | null;
  calls: string;
  last_seen: Date;
}

/**
 * Models seen in calls with usage that no price matched, most calls first (what an admin should price
 * next). Calls without usage (failed before any token) are never priced, so they are not listed.
 */
export async function unpricedModels(pool: pg.Pool) {
  const { rows } = await pool.query<UnpricedRow>(
    `SELECT provider, model, count(*)::text AS calls, max(started_at) AS last_seen
       FROM calls WHERE priced = false AND model IS NOT NULL AND usage_source <> 'none'
      GROUP BY provider, model ORDER BY count(*) DESC, max(started_at) DESC LIMIT 500`,
  );
  return rows.map((r) => ({ provider: r.provider, model: r.model, calls: Number(r.calls), lastSeen: r.last_seen.toISOString() }));
}

/** The price table's rows, of one provider when given. */
export async function listPrices(pool: pg.Pool, provider?: string): Promise<PriceRow[]> {
  const params: unknown[] = [];
  let sql = SELECT_PRICES_SQL;
  if (provider) {
    params.push(provider);
    sql += " WHERE provider = $1";
  }
  const { rows } = await pool.query(sql, params);
  return rows.map(priceRowFromDb);
}

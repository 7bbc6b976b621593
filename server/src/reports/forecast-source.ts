import type pg from "pg";
import { FORECAST_WINDOW_MS } from "./forecast.ts";

const HOUR_MS = 3_600_000;

/**
 * The trailing window as the hourly rollups can give it: from the start of the hour 7 days before now's
 * hour, to now (so a little over 7 days; forecastPeriod divides by its exact length).
 */
export function trailingWindow(nowMs: number): { from: Date; windowMs: number } {
  const from = Math.floor(nowMs / HOUR_MS) * HOUR_MS - FORECAST_WINDOW_MS;
  return { from: new Date(from), windowMs: nowMs - from };
}

/** Each app's spend since `from`, from the hourly rollups (apps with none are absent). */
export async function trailingSpendByApp(pool: pg.Pool, apps: readonly string[], from: Date): Promise<Map<string, string>> {
  if (apps.length === 0) return new Map();
  const { rows } = await pool.query<{ app: string; cost: string }>(
    `SELECT app, sum(cost_usd)::text AS cost FROM call_rollups_hourly WHERE hour >= $1 AND app = ANY($2::text[]) GROUP BY app`,
    [from, apps],
  );
  return new Map(rows.map((r) => [r.app, r.cost]));
}

/** Each virtual key's spend since `from`, from its app's calls (rollups have no key). */
export async function trailingSpendByKey(
  pool: pg.Pool,
  keys: ReadonlyArray<{ app: string; keyId: string }>,
  from: Date,
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const { rows } = await pool.query<{ key_id: string; cost: string }>(
    `SELECT key_id, coalesce(sum(cost_usd), 0)::text AS cost FROM calls
      WHERE started_at >= $1 AND app = ANY($2::text[]) AND key_id = ANY($3::text[]) GROUP BY key_id`,
    [from, keys.map((k) => k.app), keys.map((k) => k.keyId)],
  );
  return new Map(rows.map((r) => [r.key_id, r.cost]));
}

export const FORECAST_GROUPS = ["app", "provider", "model"] as const;
export type ForecastGroup = (typeof FORECAST_GROUPS)[number];

export type ForecastFilters = Partial<Record<ForecastGroup, string>>;

/** Per group: spend since `periodStart` and since `trailingFrom`, in one pass over the hourly rollups. */
export async function periodAndTrailingSpend(
  pool: pg.Pool,
  groupBy: ForecastGroup,
  periodStart: Date,
  trailingFrom: Date,
  filters: ForecastFilters = {},
): Promise<Array<{ key: string; spent: string; trailing: string }>> {
  const params: unknown[] = [periodStart, trailingFrom];
  const where = ["hour >= least($1::timestamptz, $2::timestamptz)"];
  for (const column of FORECAST_GROUPS) {
    const value = filters[column];
    if (value !== undefined) where.push(`"${column}" = $${params.push(value)}`);
  }
  const { rows } = await pool.query<{ key: string; spent: string; trailing: string }>(
    `SELECT "${groupBy}" AS key,
            coalesce(sum(cost_usd) FILTER (WHERE hour >= $1), 0)::text AS spent,
            coalesce(sum(cost_usd) FILTER (WHERE hour >= $2), 0)::text AS trailing
       FROM call_rollups_hourly WHERE ${where.join(" AND ")}
      GROUP BY 1 ORDER BY 1`,
    params,
  );
  return rows;
}

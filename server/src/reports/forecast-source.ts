import type { PrismaClient } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
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
export async function trailingSpendByApp(db: PrismaClient, apps: readonly string[], from: Date): Promise<Map<string, string>> {
  if (apps.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<{ app: string; cost: string }>>`SELECT app, sum(cost_usd)::text AS cost
      FROM call_rollups_hourly WHERE hour >= ${from} AND app = ANY(${[...apps]}::text[]) GROUP BY app`;
  return new Map(rows.map((r) => [r.app, r.cost]));
}

/** Each virtual key's spend since `from`, from its app's calls (rollups have no key). */
export async function trailingSpendByKey(
  db: PrismaClient,
  keys: ReadonlyArray<{ app: string; keyId: string }>,
  from: Date,
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows = await db.$queryRaw<Array<{ key_id: string; cost: string }>>`SELECT key_id, coalesce(sum(cost_usd), 0)::text AS cost
      FROM calls WHERE started_at >= ${from} AND app = ANY(${keys.map((k) => k.app)}::text[]) AND key_id = ANY(${keys.map((k) => k.keyId)}::text[])
     GROUP BY key_id`;
  return new Map(rows.map((r) => [r.key_id, r.cost]));
}

export const FORECAST_GROUPS = ["app", "provider", "model"] as const;
export type ForecastGroup = (typeof FORECAST_GROUPS)[number];

export type ForecastFilters = Partial<Record<ForecastGroup, string>>;

/** Per group: spend since `periodStart` and since `trailingFrom`, in one pass over the hourly rollups. */
export async function periodAndTrailingSpend(
  db: PrismaClient,
  groupBy: ForecastGroup,
  periodStart: Date,
  trailingFrom: Date,
  filters: ForecastFilters = {},
): Promise<Array<{ key: string; spent: string; trailing: string }>> {
  const where = [Prisma.sql`hour >= least(${periodStart}::timestamptz, ${trailingFrom}::timestamptz)`];
  for (const column of FORECAST_GROUPS) {
    const value = filters[column];
    // column names come from FORECAST_GROUPS, never from the request
    if (value !== undefined) where.push(Prisma.sql`${Prisma.raw(`"${column}"`)} = ${value}`);
  }
  return db.$queryRaw<Array<{ key: string; spent: string; trailing: string }>>`SELECT ${Prisma.raw(`"${groupBy}"`)} AS key,
            coalesce(sum(cost_usd) FILTER (WHERE hour >= ${periodStart}), 0)::text AS spent,
            coalesce(sum(cost_usd) FILTER (WHERE hour >= ${trailingFrom}), 0)::text AS trailing
       FROM call_rollups_hourly WHERE ${Prisma.join(where, " AND ")}
      GROUP BY 1 ORDER BY 1`;
}

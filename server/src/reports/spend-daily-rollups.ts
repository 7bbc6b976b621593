import { Prisma } from "../generated/prisma/client.ts";
import { propertyKey } from "../rollups/daily-rollup-deltas.ts";
import type { Interval, TimeRange } from "./query.ts";
import { and, filterClauses, groupKey, nonEmpty, rawLeg, rollupLegs, type Filters, type Leg } from "./report-source.ts";
import { dimensionSql, type Dimension } from "./spend-dimensions.ts";

/**
 * Spend grouped or filtered by user or by one request property, for the whole UTC days of the range, from
 * the daily rollups per user (call_user_rollups_daily: day, app, user) and per property
 * (call_property_rollups_daily: day, property, provider, app, model, outcome); the range's partial days from
 * raw calls. What neither rollup carries (a user with a provider, model or outcome; two properties; a user
 * and a property; a virtual key) still reads the range's raw calls.
 */

const DAY_MS = 86_400_000;
const raw = Prisma.raw;

/** A spend leg: its table, the SQL of each dimension over its rows, and how its rows count. */
export interface SpendLeg {
  leg: Leg;
  dim: (d: Dimension) => Prisma.Sql;
  /**
   * Property rows: each is also taken away from the "(none)" group of dimension `noneOf` (same bucket and
   * other values), which a leg over call_rollups_daily filled with every call of the day.
   */
  noneOf?: number;
}

type SpendFilters = Filters & { key?: string; user?: string };

type DailyPlan = { kind: "user" } | { kind: "property"; name: string; value?: string };

/** Which daily rollup serves these dimensions and filters, if one does. */
function dailyPlan(dims: readonly Dimension[], properties: Record<string, string>, q: SpendFilters): DailyPlan | null {
  if (q.key !== undefined || dims.includes("key")) return null;
  const propertyDims = dims.filter((d) => d.startsWith("property:")).map((d) => d.slice(9));
  const filters = Object.entries(properties);
  if (dims.includes("user") || q.user !== undefined) {
    const userServes = propertyDims.length === 0 && filters.length === 0 && dims.every((d) => d === "user" || d === "app");
    return userServes && q.provider === undefined && q.model === undefined && q.outcome === undefined ? { kind: "user" } : null;
  }
  const names = new Set([...propertyDims, ...filters.map(([n]) => n)]);
  if (names.size !== 1 || filters.length > 1 || propertyDims.length > 1) return null;
  if (!dims.every((d) => d.startsWith("property:") || d === "provider" || d === "app" || d === "model")) return null;
  return { kind: "property", name: [...names][0] as string, value: filters[0]?.[1] };
}

/**
 * The legs of a spend report served by a daily rollup, or null when none serves it (then every leg reads
 * raw calls): raw calls for the partial days at either edge, the rollup for the whole days, and for a
 * property grouping without a value filter, call_rollups_daily for the calls without the property.
 */
export function dailyRollupLegs(
  range: TimeRange,
  q: SpendFilters,
  dims: readonly Dimension[],
  properties: Record<string, string>,
  interval: Interval,
  rawExtra: Prisma.Sql[],
): SpendLeg[] | null {
  if (interval === "hour") return null;
  const plan = dailyPlan(dims, properties, q);
  if (!plan) return null;
  const dayFrom = new Date(Math.ceil(range.from.getTime() / DAY_MS) * DAY_MS);
  const dayTo = new Date(Math.floor(range.to.getTime() / DAY_MS) * DAY_MS);
  if (dayFrom >= dayTo) return null;
  const legs: SpendLeg[] = [];
  const edges = nonEmpty([
    [range.from, dayFrom],
    [dayTo, range.to],
  ]);
  if (edges.length > 0) {
    const leg = rawLeg(q, edges, rawExtra);
    legs.push({ leg, dim: (d) => dimensionSql(d, leg) });
  }
  const days = Prisma.sql`day >= ${dayFrom} AND day < ${dayTo}`;
  if (plan.kind === "user") {
    const where = [days, ...filterClauses(q)];
    if (q.user !== undefined) where.push(Prisma.sql`"user" = ${q.user}`);
    const leg: Leg = {
      kind: "daily",
      table: raw("call_user_rollups_daily"),
      where: and(where),
      time: raw("day"),
      model: raw("''"),
      outcome: raw("NULL::text"),
      // '' is stored for calls without a user
      user: raw(`nullif("user", '')`),
    };
    legs.push({ leg, dim: (d) => groupKey(d as "user" | "app", leg) });
    return legs;
  }
  const where = [days, ...filterClauses(q)];
  where.push(plan.value === undefined ? Prisma.sql`name = ${plan.name}` : Prisma.sql`property_key = ${propertyKey(plan.name, plan.value)}`);
  const leg: Leg = {
    kind: "daily",
    table: raw("call_property_rollups_daily"),
    where: and(where),
    time: raw("day"),
    model: raw("model"),
    outcome: raw("outcome"),
    user: raw("NULL::text"),
  };
  const propertyDim = dims.findIndex((d) => d.startsWith("property:"));
  const dim = (d: Dimension) => (d.startsWith("property:") ? raw("value") : dimensionSql(d, leg));
  if (plan.value !== undefined || propertyDim === -1) {
    legs.push({ leg, dim });
    return legs;
  }
  legs.push({ leg, dim, noneOf: propertyDim });
  // Every call of the whole days under "(none)"; the property rows are taken away from it again.
  const [all] = rollupLegs({ kind: "rollups", rollupFrom: dayFrom, rollupTo: dayTo, dailyFrom: dayFrom, dailyTo: dayTo }, q);
  if (all) legs.push({ leg: all, dim: (d) => (d.startsWith("property:") ? raw("'(none)'") : dimensionSql(d, all)) });
  return legs;
}

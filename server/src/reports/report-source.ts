import type { z } from "zod";
import { Prisma } from "../generated/prisma/client.ts";
import type { filterSchema, FINE_INTERVALS, GroupBy, Interval, TimeRange } from "./query.ts";

type FineInterval = (typeof FINE_INTERVALS)[number];

/**
 * Where a report reads its calls from. Rollups hold whole UTC hours per provider/app/model/outcome, so a
 * report can read them for the whole hours of its range and raw calls only for the partial hours at either
 * edge — the figures are the same as reading every call (sums of the same numbers), only cheaper.
 * Raw calls alone serve short ranges and groupBy=user (users are not a rollup dimension: unbounded).
 */
export type SourceChoice = "auto" | "raw" | "rollups";

export type SourcePlan =
  | { kind: "raw" }
  /**
   * rollups for [rollupFrom, rollupTo), raw calls for the rest of the range; within it, the daily rollups
   * for [dailyFrom, dailyTo) (whole UTC days, when the buckets are days or months) and the hourly ones for
   * the rest
   */
  | { kind: "rollups"; rollupFrom: Date; rollupTo: Date; dailyFrom: Date; dailyTo: Date };

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Below this many whole hours in the range, raw calls are as cheap as rollups and simpler. */
export const MIN_ROLLUP_HOURS = 3;

export function planSource(range: TimeRange, groupBy: GroupBy, choice: SourceChoice = "auto", interval?: Interval): SourcePlan {
  if (choice === "raw" || groupBy === "user") return { kind: "raw" };
  const rollupFrom = new Date(Math.ceil(range.from.getTime() / HOUR_MS) * HOUR_MS);
  const rollupTo = new Date(Math.floor(range.to.getTime() / HOUR_MS) * HOUR_MS);
  const hours = (rollupTo.getTime() - rollupFrom.getTime()) / HOUR_MS;
  if (hours < (choice === "rollups" ? 1 : MIN_ROLLUP_HOURS)) return { kind: "raw" };
  // Daily rows serve whole days only where a bucket is a day or more (UTC day and month buckets are unions of days).
  let dailyFrom = new Date(Math.ceil(rollupFrom.getTime() / DAY_MS) * DAY_MS);
  let dailyTo = new Date(Math.floor(rollupTo.getTime() / DAY_MS) * DAY_MS);
  if (interval === undefined || interval === "hour" || dailyTo <= dailyFrom) dailyFrom = dailyTo = rollupTo;
  return { kind: "rollups", rollupFrom, rollupTo, dailyFrom, dailyTo };
}

export type Filters = z.infer<typeof filterSchema>;

/**
 * One table a report reads, with its columns as expressions shaped like the rollups' key (model '' when the
 * call had none; user NULL where the table has no users). A report runs one plain GROUP BY statement per
 * leg and adds the legs up in Node: no statement combines tables, grouping sets or correlated subqueries,
 * so each runs on Citus with `calls` distributed by id (docs/scaling.md, "Report statements").
 */
export interface Leg {
  kind: "raw" | "hourly" | "daily";
  table: Prisma.Sql;
  /** the rows of the range and filters */
  where: Prisma.Sql;
  /** the row's time (started_at for calls, the hour or day for rollups) */
  time: Prisma.Sql;
  model: Prisma.Sql;
  outcome: Prisma.Sql;
  user: Prisma.Sql;
}

const raw = Prisma.raw;

/** Exact-match filters; the columns have the same names in calls and the rollups. */
export function filterClauses(q: Filters): Prisma.Sql[] {
  const clauses: Prisma.Sql[] = [];
  if (q.provider !== undefined) clauses.push(Prisma.sql`provider = ${q.provider}`);
  if (q.app !== undefined) clauses.push(Prisma.sql`app = ${q.app}`);
  if (q.model !== undefined) clauses.push(Prisma.sql`model = ${q.model}`);
  // "failed": any outcome but ok
  if (q.outcome === "failed") clauses.push(Prisma.sql`outcome <> 'ok'`);
  else if (q.outcome !== undefined) clauses.push(Prisma.sql`outcome = ${q.outcome}`);
  return clauses;
}

export function and(clauses: Prisma.Sql[]): Prisma.Sql {
  return Prisma.join(clauses, " AND ");
}

/** The group key over a leg's row. */
export function groupKey(groupBy: GroupBy, leg: Pick<Leg, "model" | "user">): Prisma.Sql {
  switch (groupBy) {
    case "provider":
      return raw("provider");
    case "app":
      return raw("app");
    case "model":
      return Prisma.sql`CASE WHEN ${leg.model} = '' THEN '(none)' ELSE ${leg.model} END`;
    case "user":
      return Prisma.sql`coalesce(${leg.user}, '(none)')`;
  }
}

export function bucketSql(interval: Interval | FineInterval, column: Prisma.Sql): Prisma.Sql {
  // date_bin counts 5-minute bins from the epoch: UTC-aligned like date_trunc.
  if (interval === "5minute") return Prisma.sql`date_bin('5 minutes', ${column}, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;
  return Prisma.sql`date_trunc(${raw(`'${interval}'`)}, ${column}, 'UTC')`;
}

function rawParts(plan: SourcePlan, range: TimeRange): Array<[Date, Date]> {
  if (plan.kind === "raw") return [[range.from, range.to]];
  const parts: Array<[Date, Date]> = [];
  if (range.from < plan.rollupFrom) parts.push([range.from, plan.rollupFrom]);
  if (plan.rollupTo < range.to) parts.push([plan.rollupTo, range.to]);
  return parts;
}

function timeRanges(column: string, parts: Array<[Date, Date]>): Prisma.Sql {
  const c = raw(column);
  return Prisma.sql`(${Prisma.join(
    parts.map(([f, t]) => Prisma.sql`(${c} >= ${f} AND ${c} < ${t})`),
    " OR ",
  )})`;
}

/** The calls of [from, to) pairs and the filters, as a leg. */
export function rawLeg(q: Filters, parts: Array<[Date, Date]>, extra: Prisma.Sql[] = []): Leg {
  return {
    kind: "raw",
    table: raw("calls"),
    where: and([timeRanges("started_at", parts), ...filterClauses(q), ...extra]),
    time: raw("started_at"),
    model: raw("coalesce(model, '')"),
    outcome: raw("outcome"),
    user: raw(`"user"`),
  };
}

/** The calls of the whole range with the filters. */
export function rawRangeLeg(range: TimeRange, q: Filters, extra: Prisma.Sql[] = []): Leg {
  return rawLeg(q, [[range.from, range.to]], extra);
}

/**
 * A pair of rollup tables (hourly, daily), whether they carry the outcome dimension, and a condition their
 * rows must meet (the latency rollups' level).
 */
export interface RollupTables {
  hourly: string;
  daily: string;
  outcome: boolean;
  where?: string;
}

export const CALL_ROLLUPS: RollupTables = { hourly: "call_rollups_hourly", daily: "call_rollups_daily", outcome: true };
export const latencyRollups = (level: "provider" | "app"): RollupTables => ({
  hourly: "call_latency_hourly",
  daily: "call_latency_daily",
  outcome: false,
  where: `level = '${level}'`,
});
/** Failed calls by error type and message (outcome <> 'ok' only). */
export const ERROR_ROLLUPS: RollupTables = { hourly: "call_errors_hourly", daily: "call_errors_daily", outcome: true };

/** [from, to) pairs that are not empty. */
export function nonEmpty(parts: Array<[Date, Date]>): Array<[Date, Date]> {
  return parts.filter(([f, t]) => f < t);
}

/**
 * The rollup legs covering the plan's whole hours: daily rows for [dailyFrom, dailyTo), hourly rows for the
 * hours around it; the filters apply to both. Tables without an outcome give NULL for it: only read them
 * without an outcome filter.
 */
export function rollupLegs(plan: Extract<SourcePlan, { kind: "rollups" }>, q: Filters, tables: RollupTables = CALL_ROLLUPS): Leg[] {
  const legs: Leg[] = [];
  const outcome = raw(tables.outcome ? "outcome" : "NULL::text");
  const level = tables.where ? [raw(tables.where)] : [];
  const hourly = nonEmpty([
    [plan.rollupFrom, plan.dailyFrom],
    [plan.dailyTo, plan.rollupTo],
  ]);
  const common = { model: raw("model"), outcome, user: raw("NULL::text") };
  if (hourly.length > 0) {
    legs.push({
      kind: "hourly",
      table: raw(tables.hourly),
      where: and([timeRanges("hour", hourly), ...filterClauses(q), ...level]),
      time: raw("hour"),
      ...common,
    });
  }
  if (plan.dailyFrom < plan.dailyTo) {
    const where = and([timeRanges("day", [[plan.dailyFrom, plan.dailyTo]]), ...filterClauses(q), ...level]);
    legs.push({ kind: "daily", table: raw(tables.daily), where, time: raw("day"), ...common });
  }
  return legs;
}

/** Every leg of a plan: raw calls for its partial hours (or the whole range), rollups for the rest. */
export function planLegs(plan: SourcePlan, range: TimeRange, q: Filters, tables: RollupTables = CALL_ROLLUPS): Leg[] {
  const parts = rawParts(plan, range);
  const legs = parts.length > 0 ? [rawLeg(q, parts)] : [];
  if (plan.kind === "rollups") legs.push(...rollupLegs(plan, q, tables));
  return legs;
}

/**
 * The sums a spend or failures report adds up, over a leg: one per call from raw calls, the stored sums from
 * rollups. Every figure comes back as text (exact numerics, bigint token sums) and is added up in Node.
 */
export function sumsSql(leg: Leg): Prisma.Sql {
  if (leg.kind === "raw") {
    return raw(`count(*)::text AS calls, count(*) FILTER (WHERE NOT priced AND usage_source <> 'none')::text AS unpriced_calls,
      coalesce(sum(input_tokens), 0)::text AS input_tokens, coalesce(sum(cached_input_tokens), 0)::text AS cached_input_tokens,
      coalesce(sum(cache_write_tokens), 0)::text AS cache_write_tokens, coalesce(sum(output_tokens), 0)::text AS output_tokens,
      coalesce(sum(reasoning_tokens), 0)::text AS reasoning_tokens, coalesce(sum(cost_usd), 0)::text AS cost_usd,
      coalesce(sum(fees_usd), 0)::text AS fees_usd`);
  }
  return raw(`sum(calls)::text AS calls, sum(unpriced_calls)::text AS unpriced_calls,
      sum(input_tokens)::text AS input_tokens, sum(cached_input_tokens)::text AS cached_input_tokens,
      sum(cache_write_tokens)::text AS cache_write_tokens, sum(output_tokens)::text AS output_tokens,
      sum(reasoning_tokens)::text AS reasoning_tokens, coalesce(sum(cost_usd), 0)::text AS cost_usd,
      coalesce(sum(fees_usd), 0)::text AS fees_usd`);
}

/** The number of calls a leg's rows stand for: count(*) over calls, the stored counts over rollups. */
export function callsSql(leg: Leg): Prisma.Sql {
  return raw(leg.kind === "raw" ? "count(*)" : "sum(calls)");
}

/** `GROUP BY 1, …, n`: positions, so parameters in the selected expressions are not repeated. */
export function groupByPositions(n: number): Prisma.Sql {
  return raw(`GROUP BY ${Array.from({ length: n }, (_, i) => i + 1).join(", ")}`);
}

import type { z } from "zod";
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

type Filters = z.infer<typeof filterSchema>;

/** Exact-match filters; the columns have the same names in calls and call_rollups_hourly. */
function filterClauses(q: Filters, params: unknown[]): string[] {
  const clauses: string[] = [];
  for (const key of ["provider", "app", "model", "outcome"] as const) {
    const value = q[key];
    if (key === "outcome" && value === "failed") clauses.push(`outcome <> 'ok'`);
    else if (value !== undefined) clauses.push(`"${key}" = $${params.push(value)}`);
  }
  return clauses;
}

/** The group key over a source row (rollup-shaped: model is '' when the call had none). */
export const GROUP_KEY: Record<GroupBy, string> = {
  provider: "provider",
  app: "app",
  model: "CASE WHEN model = '' THEN '(none)' ELSE model END",
  user: `coalesce("user", '(none)')`,
};

export function bucketSql(interval: Interval | FineInterval, column: string): string {
  // date_bin counts 5-minute bins from the epoch: UTC-aligned like date_trunc.
  if (interval === "5minute") return `date_bin('5 minutes', ${column}, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;
  return `date_trunc('${interval}', ${column}, 'UTC')`;
}

/** The calls of [from, to) (and the filters) as rows shaped like the rollups' key. */
function rawWhere(q: Filters, parts: Array<[Date, Date]>, params: unknown[]): string {
  const ranges = parts.map(([f, t]) => `(started_at >= $${params.push(f)} AND started_at < $${params.push(t)})`);
  return [`(${ranges.join(" OR ")})`, ...filterClauses(q, params)].join(" AND ");
}

function rawParts(plan: SourcePlan, range: TimeRange): Array<[Date, Date]> {
  if (plan.kind === "raw") return [[range.from, range.to]];
  const parts: Array<[Date, Date]> = [];
  if (range.from < plan.rollupFrom) parts.push([range.from, plan.rollupFrom]);
  if (plan.rollupTo < range.to) parts.push([plan.rollupTo, range.to]);
  return parts;
}

/** [from, to) pairs that are not empty. */
function nonEmpty(parts: Array<[Date, Date]>): Array<[Date, Date]> {
  return parts.filter(([f, t]) => f < t);
}

/**
 * A pair of rollup tables (hourly, daily), whether they carry the outcome dimension, and a condition their
 * rows must meet (the latency rollups' level).
 */
interface RollupTables {
  hourly: string;
  daily: string;
  outcome: boolean;
  where?: string;
}

const CALL_ROLLUPS: RollupTables = { hourly: "call_rollups_hourly", daily: "call_rollups_daily", outcome: true };
const latencyRollups = (level: "provider" | "app"): RollupTables => ({
  hourly: "call_latency_hourly",
  daily: "call_latency_daily",
  outcome: false,
  where: `level = '${level}'`,
});
/** Failed calls by error type and message (outcome <> 'ok' only). */
const ERROR_ROLLUPS: RollupTables = { hourly: "call_errors_hourly", daily: "call_errors_daily", outcome: true };

/**
 * SELECTs of `columns` (plus hour, provider, app, model, outcome, "user" NULL) from the rollup rows covering
 * the plan's whole hours: daily rows for [dailyFrom, dailyTo), hourly rows for the hours around it. `hour`
 * is the row's hour or day; the filters apply to both. Tables without an outcome give NULL for it: only
 * read them without an outcome filter.
 */
function rollupSelects(plan: Extract<SourcePlan, { kind: "rollups" }>, q: Filters, params: unknown[], columns: string, tables = CALL_ROLLUPS): string[] {
  const selects: string[] = [];
  const outcome = tables.outcome ? "outcome" : "NULL::text AS outcome";
  const hourly = nonEmpty([[plan.rollupFrom, plan.dailyFrom], [plan.dailyTo, plan.rollupTo]]);
  if (hourly.length > 0) {
    const ranges = hourly.map(([f, t]) => `(hour >= $${params.push(f)} AND hour < $${params.push(t)})`);
    const where = [`(${ranges.join(" OR ")})`, ...filterClauses(q, params), ...(tables.where ? [tables.where] : [])];
    selects.push(`SELECT hour, provider, app, model, ${outcome}, NULL::text AS "user", ${columns}
      FROM ${tables.hourly} WHERE ${where.join(" AND ")}`);
  }
  if (plan.dailyFrom < plan.dailyTo) {
    const where = [`day >= $${params.push(plan.dailyFrom)}`, `day < $${params.push(plan.dailyTo)}`, ...filterClauses(q, params), ...(tables.where ? [tables.where] : [])];
    selects.push(`SELECT day AS hour, provider, app, model, ${outcome}, NULL::text AS "user", ${columns}
      FROM ${tables.daily} WHERE ${where.join(" AND ")}`);
  }
  return selects;
}

const SUM_COLUMNS = ["calls", "unpriced_calls", "input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens", "cost_usd", "fees_usd"];

/**
 * A relation of rows (hour, provider, app, model, outcome, "user", calls, unpriced_calls, token sums,
 * cost_usd): one per call from raw calls, one per rollup row from rollups. `rawGrain` minute (for a raw
 * plan only) makes `hour` the call's minute, for minute buckets. Summing it gives the same
 * figures whichever source served which hours.
 */
export function sumsSource(plan: SourcePlan, range: TimeRange, q: Filters, params: unknown[], rawGrain: "hour" | "minute" = "hour"): string {
  const selects: string[] = [];
  const parts = rawParts(plan, range);
  if (parts.length > 0) {
    selects.push(`SELECT date_trunc('${rawGrain}', started_at, 'UTC') AS hour, provider, app, coalesce(model, '') AS model, outcome, "user",
        1 AS calls, (NOT priced AND usage_source <> 'none')::int AS unpriced_calls, input_tokens, cached_input_tokens,
        cache_write_tokens, output_tokens, reasoning_tokens, cost_usd, fees_usd
      FROM calls WHERE ${rawWhere(q, parts, params)}`);
  }
  if (plan.kind === "rollups") selects.push(...rollupSelects(plan, q, params, `${SUM_COLUMNS.join(", ")}`));
  return selects.join(" UNION ALL ");
}

/**
 * Histogram rows (bucket, grp, kind 'latency' | 'ttft', idx, n) of the edge calls a rollups plan reads
 * raw, bucketed by the same SQL function as the rollups; null when the range has no partial hours.
 */
export function edgeHistogramSql(
  plan: Extract<SourcePlan, { kind: "rollups" }>,
  range: TimeRange,
  q: Filters,
  groupBy: GroupBy,
  interval: Interval,
  params: unknown[],
): string | null {
  const parts = rawParts(plan, range);
  if (parts.length === 0) return null;
  const rows = `SELECT ${bucketSql(interval, "started_at")} AS bucket, provider, app, coalesce(model, '') AS model, latency_ms, ttft_ms
    FROM calls WHERE ${rawWhere(q, parts, params)}`;
  return `SELECT bucket, ${GROUP_KEY[groupBy]} AS grp, v.kind, v.idx, count(*)::bigint AS n
    FROM (${rows}) AS c,
         LATERAL (VALUES ('latency', tollgate_latency_bucket(latency_ms)), ('ttft', tollgate_latency_bucket(ttft_ms))) AS v(kind, idx)
   WHERE v.idx IS NOT NULL GROUP BY 1, 2, 3, 4`;
}

/**
 * The latency rollups' level that serves a report: histograms already merged per provider (or app) when the
 * report groups by it and filters on nothing else; null (call_rollups_*) for any other report.
 */
function latencyLevel(q: Filters, groupBy: GroupBy): "provider" | "app" | null {
  if (q.outcome !== undefined || q.model !== undefined) return null;
  if (groupBy === "provider" && q.app === undefined) return "provider";
  if (groupBy === "app" && q.provider === undefined) return "app";
  return null;
}

/**
 * The rollup rows' histograms (bucket, grp, latency_hist, ttft_hist — each the text of its BIGINT[]) for the
 * whole hours of a rollups plan: daily rows for whole days where the buckets allow, hourly rows around them.
 * They are merged in the API process (latency.ts): unnesting and summing the elements in SQL was 3–10× slower.
 */
export function rollupHistogramSql(plan: Extract<SourcePlan, { kind: "rollups" }>, q: Filters, groupBy: GroupBy, interval: Interval, params: unknown[]): string {
  const level = latencyLevel(q, groupBy);
  const tables = level === null ? CALL_ROLLUPS : latencyRollups(level);
  const rows = rollupSelects(plan, q, params, "latency_hist, ttft_hist", tables).join(" UNION ALL ");
  return `SELECT ${bucketSql(interval, "hour")} AS bucket, ${GROUP_KEY[groupBy]} AS grp, latency_hist::text, ttft_hist::text FROM (${rows}) AS r`;
}

/**
 * A relation of failed-call rows (provider, app, model — '' for none, outcome, error_type, error_message, n,
 * last_seen) over the range:
 * per error rollup row for the plan's whole hours and days, per group of edge calls read raw. Summing n and
 * taking the latest last_seen per error gives the same figures whichever source served which hours.
 */
export function errorsSource(plan: SourcePlan, range: TimeRange, q: Filters, params: unknown[]): string {
  const selects: string[] = [];
  const parts = rawParts(plan, range);
  if (parts.length > 0) {
    // `outcome <> 'ok'` verbatim lets the planner use the partial index calls_failed_started_at_idx.
    selects.push(`SELECT provider, app, coalesce(model, '') AS model, outcome, error_type, error_message, count(*) AS n, max(started_at) AS last_seen
      FROM calls WHERE ${rawWhere(q, parts, params)} AND outcome <> 'ok' GROUP BY 1, 2, 3, 4, 5, 6`);
  }
  if (plan.kind === "rollups") {
    const rows = rollupSelects(plan, q, params, "error_type, error_message, calls AS n, last_seen", ERROR_ROLLUPS);
    selects.push(...rows.map((r) => `SELECT provider, app, model, outcome, error_type, error_message, n, last_seen FROM (${r}) AS e`));
  }
  return selects.join(" UNION ALL ");
}

/** The calls of the whole range with the filters, for reports that always read raw calls. */
export function rawCallsWhere(range: TimeRange, q: Filters, params: unknown[]): string {
  return rawWhere(q, [[range.from, range.to]], params);
}

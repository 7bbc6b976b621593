import type { z } from "zod";
import type { filterSchema, GroupBy, Interval, TimeRange } from "./query.ts";

/**
 * Where a report reads its calls from. Rollups hold whole UTC hours per provider/app/model/outcome, so a
 * report can read them for the whole hours of its range and raw calls only for the partial hours at either
 * edge — the figures are the same as reading every call (sums of the same numbers), only cheaper.
 * Raw calls alone serve short ranges and groupBy=user (users are not a rollup dimension: unbounded).
 */
export type SourceChoice = "auto" | "raw" | "rollups";

export type SourcePlan =
  | { kind: "raw" }
  /** rollups for [rollupFrom, rollupTo), raw calls for the rest of the range */
  | { kind: "rollups"; rollupFrom: Date; rollupTo: Date };

const HOUR_MS = 3_600_000;
/** Below this many whole hours in the range, raw calls are as cheap as rollups and simpler. */
export const MIN_ROLLUP_HOURS = 3;

export function planSource(range: TimeRange, groupBy: GroupBy, choice: SourceChoice = "auto"): SourcePlan {
  if (choice === "raw" || groupBy === "user") return { kind: "raw" };
  const rollupFrom = new Date(Math.ceil(range.from.getTime() / HOUR_MS) * HOUR_MS);
  const rollupTo = new Date(Math.floor(range.to.getTime() / HOUR_MS) * HOUR_MS);
  const hours = (rollupTo.getTime() - rollupFrom.getTime()) / HOUR_MS;
  if (hours < (choice === "rollups" ? 1 : MIN_ROLLUP_HOURS)) return { kind: "raw" };
  return { kind: "rollups", rollupFrom, rollupTo };
}

type Filters = z.infer<typeof filterSchema>;

/** Exact-match filters; the columns have the same names in calls and call_rollups_hourly. */
function filterClauses(q: Filters, params: unknown[]): string[] {
  const clauses: string[] = [];
  for (const key of ["provider", "app", "model", "outcome"] as const) {
    const value = q[key];
    if (value !== undefined) clauses.push(`"${key}" = $${params.push(value)}`);
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

export function bucketSql(interval: Interval, column: string): string {
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

const SUM_COLUMNS = ["calls", "unpriced_calls", "input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens", "cost_usd"];

/**
 * A relation of rows (hour, provider, app, model, outcome, "user", calls, unpriced_calls, token sums,
 * cost_usd): one per call from raw calls, one per rollup row from rollups. Summing it gives the same
 * figures whichever source served which hours.
 */
export function sumsSource(plan: SourcePlan, range: TimeRange, q: Filters, params: unknown[]): string {
  const selects: string[] = [];
  const parts = rawParts(plan, range);
  if (parts.length > 0) {
    selects.push(`SELECT date_trunc('hour', started_at, 'UTC') AS hour, provider, app, coalesce(model, '') AS model, outcome, "user",
        1 AS calls, (NOT priced AND usage_source <> 'none')::int AS unpriced_calls, input_tokens, cached_input_tokens,
        cache_write_tokens, output_tokens, reasoning_tokens, cost_usd
      FROM calls WHERE ${rawWhere(q, parts, params)}`);
  }
  if (plan.kind === "rollups") {
    const where = [`hour >= $${params.push(plan.rollupFrom)}`, `hour < $${params.push(plan.rollupTo)}`, ...filterClauses(q, params)];
    selects.push(`SELECT hour, provider, app, model, outcome, NULL::text AS "user", ${SUM_COLUMNS.join(", ")}
      FROM call_rollups_hourly WHERE ${where.join(" AND ")}`);
  }
  return selects.join(" UNION ALL ");
}

/**
 * Latency histogram rows (bucket, grp, kind 'latency' | 'ttft', idx, n) for a rollups plan: the rollups'
 * sparse histograms expanded, plus the edge calls bucketed by the same SQL function.
 */
export function histogramSource(
  plan: Extract<SourcePlan, { kind: "rollups" }>,
  range: TimeRange,
  q: Filters,
  groupBy: GroupBy,
  interval: Interval,
  params: unknown[],
): string {
  const key = GROUP_KEY[groupBy];
  const selects: string[] = [];
  const parts = rawParts(plan, range);
  if (parts.length > 0) {
    const where = rawWhere(q, parts, params);
    const rows = `SELECT started_at AS hour, provider, app, coalesce(model, '') AS model, latency_ms, ttft_ms FROM calls WHERE ${where}`;
    selects.push(`SELECT ${bucketSql(interval, "hour")} AS bucket, ${key} AS grp, 'latency' AS kind, tollgate_latency_bucket(latency_ms) AS idx, 1::bigint AS n FROM (${rows}) AS c`);
    selects.push(`SELECT ${bucketSql(interval, "hour")}, ${key}, 'ttft', tollgate_latency_bucket(ttft_ms), 1::bigint FROM (${rows}) AS c WHERE ttft_ms IS NOT NULL`);
  }
  const where = [`hour >= $${params.push(plan.rollupFrom)}`, `hour < $${params.push(plan.rollupTo)}`, ...filterClauses(q, params)].join(" AND ");
  for (const [kind, column] of [["latency", "latency_hist"], ["ttft", "ttft_hist"]] as const) {
    // jsonb_each_text yields only (key, value), so the rollup's own column names stay unambiguous.
    selects.push(`SELECT ${bucketSql(interval, "hour")} AS bucket, ${key} AS grp, '${kind}' AS kind, e.key::int AS idx, e.value::bigint AS n
      FROM call_rollups_hourly, jsonb_each_text(${column}) AS e WHERE ${where}`);
  }
  return `SELECT bucket, grp, kind, idx, sum(n)::bigint AS n FROM (${selects.join(" UNION ALL ")}) AS h GROUP BY 1, 2, 3, 4`;
}

/** The calls of the whole range with the filters, for reports that always read raw calls. */
export function rawCallsWhere(range: TimeRange, q: Filters, params: unknown[]): string {
  return rawWhere(q, [[range.from, range.to]], params);
}

import type pg from "pg";
import { z } from "zod";
import { canonicalDecimal } from "../lib/decimal.ts";
import { bucketSql, planSource, rawCallsWhere, sumsSource, type SourceChoice } from "./report-source.ts";
import { filterSchema, INTERVALS, parseQuery, resolveInterval, resolveRange, type TimeRange } from "./query.ts";
import { dimensionSql, joinKey, parseDimensions, parsePropertyFilters, rollupsServe, type Dimension } from "./spend-dimensions.ts";

export const TOKEN_FIELDS = ["inputTokens", "cachedInputTokens", "cacheWriteTokens", "outputTokens", "reasoningTokens"] as const;

export interface SpendFigures {
  costUsd: string;
  /** the per-request and tool fees' part of costUsd */
  feesUsd: string;
  calls: number;
  unpricedCalls: number;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export type SpendGroup = SpendFigures & { key: string; keys: Record<string, string> };

export interface SpendReport {
  from: string;
  to: string;
  interval: string;
  groupBy: string;
  dimensions: Dimension[];
  totals: SpendFigures;
  groups: SpendGroup[];
  series: Array<SpendFigures & { bucket: string; group: string; keys: Record<string, string> }>;
}

export const spendSchema = filterSchema.extend({
  groupBy: z.string().max(300).optional(),
  interval: z.enum(INTERVALS).optional(),
  key: z.string().min(1).max(200).optional(),
  user: z.string().min(1).max(200).optional(),
  compare: z.enum(["previous"]).optional(),
});
export type SpendQuery = z.infer<typeof spendSchema>;

interface SumRow {
  level: number;
  bucket: Date | null;
  d0: string | null;
  d1: string | null;
  d2: string | null;
  cost_usd: string;
  fees_usd?: string;
  calls: string;
  unpriced_calls: string;
  input_tokens: string;
  cached_input_tokens: string;
  cache_write_tokens: string;
  output_tokens: string;
  reasoning_tokens: string;
}

export function figures(r: Partial<SumRow> | undefined): SpendFigures {
  return {
    costUsd: canonicalDecimal(r?.cost_usd ?? "0"),
    feesUsd: canonicalDecimal(r?.fees_usd ?? "0"),
    calls: Number(r?.calls ?? 0),
    unpricedCalls: Number(r?.unpriced_calls ?? 0),
    inputTokens: Number(r?.input_tokens ?? 0),
    cachedInputTokens: Number(r?.cached_input_tokens ?? 0),
    cacheWriteTokens: Number(r?.cache_write_tokens ?? 0),
    outputTokens: Number(r?.output_tokens ?? 0),
    reasoningTokens: Number(r?.reasoning_tokens ?? 0),
  };
}

export const SUMS_SQL = `coalesce(sum(cost_usd), 0)::text AS cost_usd, coalesce(sum(fees_usd), 0)::text AS fees_usd,
  coalesce(sum(calls), 0)::text AS calls, coalesce(sum(unpriced_calls), 0)::text AS unpriced_calls,
  coalesce(sum(input_tokens), 0)::text AS input_tokens, coalesce(sum(cached_input_tokens), 0)::text AS cached_input_tokens,
  coalesce(sum(cache_write_tokens), 0)::text AS cache_write_tokens, coalesce(sum(output_tokens), 0)::text AS output_tokens,
  coalesce(sum(reasoning_tokens), 0)::text AS reasoning_tokens`;

/**
 * Raw calls as source rows with the columns only calls have (key_id, properties), for dimensions and
 * filters the rollups do not carry. Reads every call of the range: docs/api.md gives the cost.
 */
function rawSource(range: TimeRange, q: SpendQuery, properties: Record<string, string>, params: unknown[]): string {
  const where = [rawCallsWhere(range, q, params)];
  if (q.key !== undefined) where.push(`key_id = $${params.push(q.key)}`);
  if (q.user !== undefined) where.push(`"user" = $${params.push(q.user)}`);
  // one containment test for every property filter: jsonb @> can use a GIN index if one is ever added
  if (Object.keys(properties).length > 0) where.push(`properties @> $${params.push(JSON.stringify(properties))}::jsonb`);
  return `SELECT date_trunc('hour', started_at, 'UTC') AS hour, provider, app, coalesce(model, '') AS model, outcome, "user",
      key_id, properties, 1 AS calls, (NOT priced AND usage_source <> 'none')::int AS unpriced_calls, input_tokens,
      cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, cost_usd, fees_usd
    FROM calls WHERE ${where.join(" AND ")}`;
}

/** The spend of a range: one scan with GROUPING SETS, every sum on exact numerics, so groups, series and totals agree. */
export async function spendForRange(
  pool: pg.Pool,
  range: TimeRange,
  q: SpendQuery,
  options: { source?: SourceChoice; dims: Dimension[]; properties: Record<string, string> },
): Promise<SpendReport> {
  const interval = resolveInterval(range, q.interval);
  const { dims, properties } = options;
  const params: unknown[] = [];
  const rollups = rollupsServe(dims, properties) && q.key === undefined && q.user === undefined;
  const source = rollups
    ? sumsSource(planSource(range, "provider", options.source, interval), range, q, params)
    : rawSource(range, q, properties, params);
  const dimCols = dims.map((d, i) => `${dimensionSql(d, params)} AS d${i}`);
  const names = dims.map((_, i) => `d${i}`);
  const { rows } = await pool.query<SumRow>(
    `SELECT grouping(bucket, d0) AS level, bucket, ${names.join(", ")}, ${SUMS_SQL}
       FROM (SELECT ${bucketSql(interval, "hour")} AS bucket, ${dimCols.join(", ")}, s.* FROM (${source}) AS s) AS t
      GROUP BY GROUPING SETS ((bucket, ${names.join(", ")}), (${names.join(", ")}), ())
      ORDER BY level, coalesce(sum(cost_usd), 0) DESC, ${names.join(", ")}`,
    params,
  );
  const keysOf = (r: SumRow) => Object.fromEntries(dims.map((d, i) => [d, r[`d${i}` as "d0"] as string]));
  const keyOf = (r: SumRow) => joinKey(dims.map((_, i) => r[`d${i}` as "d0"] as string));
  const series = rows.filter((r) => r.level === 0);
  series.sort((a, b) => (a.bucket as Date).getTime() - (b.bucket as Date).getTime() || keyOf(a).localeCompare(keyOf(b)));
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    interval,
    groupBy: dims.join(","),
    dimensions: dims,
    totals: figures(rows.find((r) => r.level === 3)),
    groups: rows.filter((r) => r.level === 2).map((r) => ({ key: keyOf(r), keys: keysOf(r), ...figures(r) })),
    series: series.map((r) => ({ bucket: (r.bucket as Date).toISOString(), group: keyOf(r), keys: keysOf(r), ...figures(r) })),
  };
}

/** GET /api/spend's query: the range, dimensions and filters parsed, then the report of the range. */
export function parseSpendQuery(query: unknown): { q: SpendQuery; range: TimeRange; dims: Dimension[]; properties: Record<string, string> } {
  const q = parseQuery(spendSchema, query);
  return { q, range: resolveRange(q), dims: parseDimensions(q.groupBy), properties: parsePropertyFilters(query) };
}

import type pg from "pg";
import { canonicalDecimal } from "../metering/decimal.ts";
import { parseQuery, reportSchema, resolveInterval, resolveRange } from "./query.ts";
import { bucketSql, GROUP_KEY, planSource, sumsSource, type SourceChoice } from "./report-source.ts";

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

export interface SpendReport {
  from: string;
  to: string;
  interval: string;
  groupBy: string;
  totals: SpendFigures;
  groups: Array<SpendFigures & { key: string }>;
  series: Array<SpendFigures & { bucket: string; group: string }>;
}

interface SumRow {
  level: number;
  bucket: Date | null;
  grp: string | null;
  cost_usd: string;
  fees_usd: string;
  calls: string;
  unpriced_calls: string;
  input_tokens: string;
  cached_input_tokens: string;
  cache_write_tokens: string;
  output_tokens: string;
  reasoning_tokens: string;
}

function figures(r: SumRow | undefined): SpendFigures {
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

/**
 * Cost, calls and tokens per group and bucket, plus totals — one scan with GROUPING SETS, every sum done
 * in SQL on exact numerics, so groups, series and totals add up to the last decimal.
 */
export async function spendReport(pool: pg.Pool, query: unknown, options: { source?: SourceChoice } = {}): Promise<SpendReport> {
  const q = parseQuery(reportSchema, query);
  const range = resolveRange(q);
  const interval = resolveInterval(range, q.interval);
  const params: unknown[] = [];
  const source = sumsSource(planSource(range, q.groupBy, options.source, interval), range, q, params);
  const { rows } = await pool.query<SumRow>(
    `SELECT grouping(bucket, grp) AS level, bucket, grp, coalesce(sum(cost_usd), 0)::text AS cost_usd,
            coalesce(sum(fees_usd), 0)::text AS fees_usd,
            sum(calls)::text AS calls, sum(unpriced_calls)::text AS unpriced_calls, sum(input_tokens)::text AS input_tokens,
            sum(cached_input_tokens)::text AS cached_input_tokens, sum(cache_write_tokens)::text AS cache_write_tokens,
            sum(output_tokens)::text AS output_tokens, sum(reasoning_tokens)::text AS reasoning_tokens
       FROM (SELECT ${bucketSql(interval, "hour")} AS bucket, ${GROUP_KEY[q.groupBy]} AS grp, s.* FROM (${source}) AS s) AS t
      GROUP BY GROUPING SETS ((bucket, grp), (grp), ())
      ORDER BY level, coalesce(sum(cost_usd), 0) DESC, grp`,
    params,
  );
  const series = rows.filter((r) => r.level === 0);
  series.sort((a, b) => (a.bucket as Date).getTime() - (b.bucket as Date).getTime() || (a.grp as string).localeCompare(b.grp as string));
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    interval,
    groupBy: q.groupBy,
    totals: figures(rows.find((r) => r.level === 3)),
    groups: rows.filter((r) => r.level === 2).map((r) => ({ key: r.grp as string, ...figures(r) })),
    series: series.map((r) => ({ bucket: (r.bucket as Date).toISOString(), group: r.grp as string, ...figures(r) })),
  };
}

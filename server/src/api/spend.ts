import { Router } from "express";
import type pg from "pg";
import { GROUP_SQL, filterSql, parseQuery, reportSchema, resolveInterval, resolveRange } from "./query.ts";
import { trimDecimal } from "./call-rows.ts";

const SUMS = `coalesce(sum(cost_usd), 0)::text AS "costUsd", count(*)::int AS calls,
  count(*) FILTER (WHERE NOT priced AND usage_source <> 'none')::int AS "unpricedCalls",
  coalesce(sum(input_tokens), 0)::bigint AS "inputTokens", coalesce(sum(cached_input_tokens), 0)::bigint AS "cachedInputTokens",
  coalesce(sum(cache_write_tokens), 0)::bigint AS "cacheWriteTokens", coalesce(sum(output_tokens), 0)::bigint AS "outputTokens",
  coalesce(sum(reasoning_tokens), 0)::bigint AS "reasoningTokens"`;

type SumRow = Record<string, unknown> & { costUsd: string };

function sums(row: SumRow): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row, costUsd: trimDecimal(row.costUsd) };
  for (const k of ["inputTokens", "cachedInputTokens", "cacheWriteTokens", "outputTokens", "reasoningTokens"]) out[k] = Number(row[k]);
  return out;
}

/** Cost, calls and tokens per group and bucket; every sum is done in SQL on exact numerics. */
export async function spendReport(pool: pg.Pool, query: unknown) {
  const q = parseQuery(reportSchema, query);
  const range = resolveRange(q);
  const interval = resolveInterval(range, q.interval);
  const params: unknown[] = [];
  const where = filterSql(q, range, params);
  const group = GROUP_SQL[q.groupBy];
  const [totals, groups, series] = await Promise.all([
    pool.query<SumRow>(`SELECT ${SUMS} FROM calls WHERE ${where}`, params),
    pool.query<SumRow>(`SELECT ${group} AS key, ${SUMS} FROM calls WHERE ${where} GROUP BY 1 ORDER BY sum(cost_usd) DESC NULLS LAST, 1`, params),
    pool.query<SumRow>(
      `SELECT date_trunc('${interval}', started_at, 'UTC') AS bucket, ${group} AS "group", ${SUMS}
       FROM calls WHERE ${where} GROUP BY 1, 2 ORDER BY 1, 2`,
      params,
    ),
  ]);
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    interval,
    groupBy: q.groupBy,
    totals: sums(totals.rows[0] as SumRow),
    groups: groups.rows.map(sums),
    series: series.rows.map((r) => ({ ...sums(r), bucket: (r.bucket as Date).toISOString() })),
  };
}

export function spendRouter(pool: pg.Pool): Router {
  const router = Router();
  router.get("/spend", async (req, res) => {
    res.json(await spendReport(pool, req.query));
  });
  return router;
}

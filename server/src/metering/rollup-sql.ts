import type pg from "pg";

/**
 * SQL that folds a set of calls into `call_rollups_hourly`. `source` is any relation with the calls
 * table's columns (the batch insert's RETURNING rows, or calls of a range being refreshed). Rows go into
 * the upsert in key order, so two writers upserting overlapping keys lock them in the same order and
 * cannot deadlock.
 */
export function rollupCtes(source: string): string {
  return `keyed AS MATERIALIZED (
    SELECT date_trunc('hour', started_at, 'UTC') AS hour, provider, app, coalesce(model, '') AS model, outcome, priced,
           usage_source, input_tokens, cached_input_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens,
           reasoning_tokens, cost_usd, latency_ms, ttft_ms
      FROM ${source}
  ), rollup_lat AS (
    SELECT hour, provider, app, model, outcome, jsonb_object_agg(b, n) AS h
      FROM (SELECT hour, provider, app, model, outcome, tollgate_latency_bucket(latency_ms) AS b, count(*) AS n
              FROM keyed GROUP BY 1, 2, 3, 4, 5, 6) AS x
     GROUP BY 1, 2, 3, 4, 5
  ), rollup_ttft AS (
    SELECT hour, provider, app, model, outcome, jsonb_object_agg(b, n) AS h
      FROM (SELECT hour, provider, app, model, outcome, tollgate_latency_bucket(ttft_ms) AS b, count(*) AS n
              FROM keyed WHERE ttft_ms IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6) AS x
     GROUP BY 1, 2, 3, 4, 5
  ), rollup_sums AS (
    SELECT hour, provider, app, model, outcome, count(*) AS calls,
           count(*) FILTER (WHERE NOT priced AND usage_source <> 'none') AS unpriced_calls,
           sum(input_tokens) AS input_tokens, sum(cached_input_tokens) AS cached_input_tokens,
           sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
           sum(output_tokens) AS output_tokens, sum(reasoning_tokens) AS reasoning_tokens,
           coalesce(sum(cost_usd), 0) AS cost_usd, sum(latency_ms) AS latency_ms_sum, count(*) AS latency_count,
           coalesce(sum(ttft_ms), 0) AS ttft_ms_sum, count(ttft_ms) AS ttft_count
      FROM keyed GROUP BY 1, 2, 3, 4, 5
  )`;
}

/** The upsert that follows rollupCtes: adds the new calls' figures to existing rows (never replaces them). */
export const ROLLUP_UPSERT = `INSERT INTO call_rollups_hourly
    SELECT s.hour, s.provider, s.app, s.model, s.outcome, s.calls, s.unpriced_calls, s.input_tokens, s.cached_input_tokens,
           s.cache_write_tokens, s.cache_write_1h_tokens, s.output_tokens, s.reasoning_tokens, s.cost_usd, s.latency_ms_sum,
           s.latency_count, s.ttft_ms_sum, s.ttft_count, l.h, coalesce(t.h, '{}'::jsonb)
      FROM rollup_sums AS s
      JOIN rollup_lat AS l USING (hour, provider, app, model, outcome)
      LEFT JOIN rollup_ttft AS t USING (hour, provider, app, model, outcome)
     ORDER BY s.hour, s.provider, s.app, s.model, s.outcome
  ON CONFLICT (hour, provider, app, model, outcome) DO UPDATE SET
    calls = call_rollups_hourly.calls + EXCLUDED.calls,
    unpriced_calls = call_rollups_hourly.unpriced_calls + EXCLUDED.unpriced_calls,
    input_tokens = call_rollups_hourly.input_tokens + EXCLUDED.input_tokens,
    cached_input_tokens = call_rollups_hourly.cached_input_tokens + EXCLUDED.cached_input_tokens,
    cache_write_tokens = call_rollups_hourly.cache_write_tokens + EXCLUDED.cache_write_tokens,
    cache_write_1h_tokens = call_rollups_hourly.cache_write_1h_tokens + EXCLUDED.cache_write_1h_tokens,
    output_tokens = call_rollups_hourly.output_tokens + EXCLUDED.output_tokens,
    reasoning_tokens = call_rollups_hourly.reasoning_tokens + EXCLUDED.reasoning_tokens,
    cost_usd = call_rollups_hourly.cost_usd + EXCLUDED.cost_usd,
    latency_ms_sum = call_rollups_hourly.latency_ms_sum + EXCLUDED.latency_ms_sum,
    latency_count = call_rollups_hourly.latency_count + EXCLUDED.latency_count,
    ttft_ms_sum = call_rollups_hourly.ttft_ms_sum + EXCLUDED.ttft_ms_sum,
    ttft_count = call_rollups_hourly.ttft_count + EXCLUDED.ttft_count,
    latency_hist = tollgate_hist_merge(call_rollups_hourly.latency_hist, EXCLUDED.latency_hist),
    ttft_hist = tollgate_hist_merge(call_rollups_hourly.ttft_hist, EXCLUDED.ttft_hist)`;

/** The calls columns rollupCtes reads, for a RETURNING clause. */
export const ROLLUP_SOURCE_COLUMNS = `started_at, provider, app, model, outcome, priced, usage_source, input_tokens,
  cached_input_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd, latency_ms, ttft_ms`;

const HOUR_MS = 3_600_000;

/**
 * Rebuilds the rollups of every hour touching [from, to] from the calls table — after calls were changed
 * in place (a recompute re-priced them). The table lock makes concurrent batch inserts wait until the
 * rebuilt rows are committed, so a call recorded meanwhile is counted exactly once.
 */
export async function refreshRollups(pool: pg.Pool, from: Date, to: Date): Promise<{ hours: number; rows: number }> {
  const start = new Date(Math.floor(from.getTime() / HOUR_MS) * HOUR_MS);
  const end = new Date(Math.floor(to.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("LOCK TABLE call_rollups_hourly IN SHARE ROW EXCLUSIVE MODE");
    await client.query("DELETE FROM call_rollups_hourly WHERE hour >= $1 AND hour < $2", [start, end]);
    const result = await client.query(
      `WITH ${rollupCtes("calls WHERE started_at >= $1 AND started_at < $2")} ${ROLLUP_UPSERT}`,
      [start, end],
    );
    await client.query("COMMIT");
    return { hours: (end.getTime() - start.getTime()) / HOUR_MS, rows: result.rowCount ?? 0 };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

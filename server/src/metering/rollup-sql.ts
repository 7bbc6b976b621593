import type pg from "pg";

/**
 * SQL that folds a set of calls into `call_rollups_hourly`. `source` is any relation with the calls
 * table's columns (the batch insert's RETURNING rows, or calls of a range being refreshed). Rows go into
 * the upsert in key order, so two writers upserting overlapping keys lock them in the same order and
 * cannot deadlock.
 */
export function rollupCtes(source: string): string {
  // Each call appears twice below — once with its latency bucket ('l'), once with its TTFT bucket ('t',
  // NULL without a TTFT, then dropped) — so one two-level aggregation yields sums and both histograms
  // without joining per-key subresults (a join the planner misestimated into a quadratic nested loop).
  return `rollup_buckets AS (
    SELECT date_trunc('hour', c.started_at, 'UTC') AS hour, c.provider, c.app, coalesce(c.model, '') AS model, c.outcome,
           v.kind, v.b, count(*) AS n,
           count(*) FILTER (WHERE v.kind = 'l' AND NOT c.priced AND c.usage_source <> 'none') AS unpriced_calls,
           sum(c.input_tokens) FILTER (WHERE v.kind = 'l') AS input_tokens,
           sum(c.cached_input_tokens) FILTER (WHERE v.kind = 'l') AS cached_input_tokens,
           sum(c.cache_write_tokens) FILTER (WHERE v.kind = 'l') AS cache_write_tokens,
           sum(c.cache_write_1h_tokens) FILTER (WHERE v.kind = 'l') AS cache_write_1h_tokens,
           sum(c.output_tokens) FILTER (WHERE v.kind = 'l') AS output_tokens,
           sum(c.reasoning_tokens) FILTER (WHERE v.kind = 'l') AS reasoning_tokens,
           sum(c.cost_usd) FILTER (WHERE v.kind = 'l') AS cost_usd,
           sum(c.latency_ms) FILTER (WHERE v.kind = 'l') AS latency_ms_sum,
           sum(c.ttft_ms) FILTER (WHERE v.kind = 't') AS ttft_ms_sum
      FROM ${source} AS c,
           LATERAL (VALUES ('l', tollgate_latency_bucket(c.latency_ms)), ('t', tollgate_latency_bucket(c.ttft_ms))) AS v(kind, b)
     WHERE v.b IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5, 6, 7
  ), rollup_rows AS (
    SELECT hour, provider, app, model, outcome,
           sum(n) FILTER (WHERE kind = 'l') AS calls, sum(unpriced_calls) AS unpriced_calls,
           coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(cached_input_tokens), 0) AS cached_input_tokens,
           coalesce(sum(cache_write_tokens), 0) AS cache_write_tokens, coalesce(sum(cache_write_1h_tokens), 0) AS cache_write_1h_tokens,
           coalesce(sum(output_tokens), 0) AS output_tokens, coalesce(sum(reasoning_tokens), 0) AS reasoning_tokens,
           coalesce(sum(cost_usd), 0) AS cost_usd, coalesce(sum(latency_ms_sum), 0) AS latency_ms_sum,
           sum(n) FILTER (WHERE kind = 'l') AS latency_count,
           coalesce(sum(ttft_ms_sum), 0) AS ttft_ms_sum, coalesce(sum(n) FILTER (WHERE kind = 't'), 0) AS ttft_count,
           jsonb_object_agg(b, n) FILTER (WHERE kind = 'l') AS latency_hist,
           coalesce(jsonb_object_agg(b, n) FILTER (WHERE kind = 't'), '{}'::jsonb) AS ttft_hist
      FROM rollup_buckets
     GROUP BY 1, 2, 3, 4, 5
  )`;
}

/** The upsert that follows rollupCtes: adds the new calls' figures to existing rows (never replaces them). */
export const ROLLUP_UPSERT = `INSERT INTO call_rollups_hourly
    SELECT hour, provider, app, model, outcome, calls, unpriced_calls, input_tokens, cached_input_tokens,
           cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd, latency_ms_sum,
           latency_count, ttft_ms_sum, ttft_count, latency_hist, ttft_hist
      FROM rollup_rows
     ORDER BY hour, provider, app, model, outcome
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
      `WITH ${rollupCtes("(SELECT * FROM calls WHERE started_at >= $1 AND started_at < $2)")} ${ROLLUP_UPSERT}`,
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

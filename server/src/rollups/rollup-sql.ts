import type pg from "pg";

/** The rollup tables and their time column: hourly rows, and the same figures per UTC day. */
export const ROLLUP_LEVELS = [
  { table: "call_rollups_hourly", time: "hour", unit: "hour" },
  { table: "call_rollups_daily", time: "day", unit: "day" },
] as const;

export type RollupLevel = (typeof ROLLUP_LEVELS)[number];

/** SQL of a histogram (a sparse BIGINT[]: bucket * 2^32 + count per non-empty bucket, in bucket order). */
const HIST_AGG = (filter: string) => `array_agg((b::bigint << 32) + n ORDER BY b) FILTER (WHERE ${filter})`;

/**
 * SQL that folds a set of calls into hourly rollups: CTE `rollup_rows_hour`, one row per key and hour.
 * `source` is any relation with the calls table's columns (calls of a range being refreshed). The batch
 * insert aggregates its calls in Node instead (rollup-deltas.ts, the same figures).
 */
export function rollupCtes(source: string): string {
  // Each call appears twice below — once with its latency bucket ('l'), once with its TTFT bucket ('t',
  // NULL without a TTFT, then dropped) — so one two-level aggregation yields sums and both histograms
  // without joining per-key subresults (a join the planner misestimated into a quadratic nested loop).
  const rows = (from: string) => `SELECT t, provider, app, model, outcome,
           sum(n) FILTER (WHERE kind = 'l') AS calls, sum(unpriced_calls) AS unpriced_calls,
           coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(cached_input_tokens), 0) AS cached_input_tokens,
           coalesce(sum(cache_write_tokens), 0) AS cache_write_tokens, coalesce(sum(cache_write_1h_tokens), 0) AS cache_write_1h_tokens,
           coalesce(sum(output_tokens), 0) AS output_tokens, coalesce(sum(reasoning_tokens), 0) AS reasoning_tokens,
           coalesce(sum(cost_usd), 0) AS cost_usd, coalesce(sum(fees_usd), 0) AS fees_usd, coalesce(sum(latency_ms_sum), 0) AS latency_ms_sum,
           sum(n) FILTER (WHERE kind = 'l') AS latency_count,
           coalesce(sum(ttft_ms_sum), 0) AS ttft_ms_sum, coalesce(sum(n) FILTER (WHERE kind = 't'), 0) AS ttft_count,
           ${HIST_AGG("kind = 'l'")} AS latency_hist,
           coalesce(${HIST_AGG("kind = 't'")}, '{}') AS ttft_hist
      FROM ${from}
     GROUP BY 1, 2, 3, 4, 5`;
  return `rollup_buckets AS (
    SELECT date_trunc('hour', c.started_at, 'UTC') AS t, c.provider, c.app, coalesce(c.model, '') AS model, c.outcome,
           v.kind, v.b, count(*) AS n,
           count(*) FILTER (WHERE v.kind = 'l' AND NOT c.priced AND c.usage_source <> 'none') AS unpriced_calls,
           sum(c.input_tokens) FILTER (WHERE v.kind = 'l') AS input_tokens,
           sum(c.cached_input_tokens) FILTER (WHERE v.kind = 'l') AS cached_input_tokens,
           sum(c.cache_write_tokens) FILTER (WHERE v.kind = 'l') AS cache_write_tokens,
           sum(c.cache_write_1h_tokens) FILTER (WHERE v.kind = 'l') AS cache_write_1h_tokens,
           sum(c.output_tokens) FILTER (WHERE v.kind = 'l') AS output_tokens,
           sum(c.reasoning_tokens) FILTER (WHERE v.kind = 'l') AS reasoning_tokens,
           sum(c.cost_usd) FILTER (WHERE v.kind = 'l') AS cost_usd,
           sum(c.fees_usd) FILTER (WHERE v.kind = 'l') AS fees_usd,
           sum(c.latency_ms) FILTER (WHERE v.kind = 'l') AS latency_ms_sum,
           sum(c.ttft_ms) FILTER (WHERE v.kind = 't') AS ttft_ms_sum
      FROM ${source} AS c,
           LATERAL (VALUES ('l', tollgate_latency_bucket(c.latency_ms)), ('t', tollgate_latency_bucket(c.ttft_ms))) AS v(kind, b)
     WHERE v.b IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5, 6, 7
  ), rollup_rows_hour AS (${rows("rollup_buckets")}
  )`;
}

/** The upsert of one level's rows (rollupCtes): adds the new calls' figures to existing rows (never replaces them). */
export function rollupUpsert(level: RollupLevel, rows = "rollup_rows_hour"): string {
  const t = level.table;
  const add = ["calls", "unpriced_calls", "input_tokens", "cached_input_tokens", "cache_write_tokens", "cache_write_1h_tokens", "output_tokens", "reasoning_tokens", "cost_usd", "fees_usd", "latency_ms_sum", "latency_count", "ttft_ms_sum", "ttft_count"];
  // Rows go in key order, so two writers upserting overlapping keys lock them in the same order and cannot
  // deadlock (every writer upserts the hourly rows, then the daily ones).
  return `INSERT INTO ${t} (${level.time}, provider, app, model, outcome, calls, unpriced_calls, input_tokens, cached_input_tokens,
           cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd, latency_ms_sum,
           latency_count, ttft_ms_sum, ttft_count, latency_hist, ttft_hist, fees_usd)
    SELECT t, provider, app, model, outcome, calls, unpriced_calls, input_tokens, cached_input_tokens,
           cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd, latency_ms_sum,
           latency_count, ttft_ms_sum, ttft_count, latency_hist, ttft_hist, fees_usd
      FROM ${rows}
     ORDER BY t, provider, app, model, outcome
  ON CONFLICT (${level.time}, provider, app, model, outcome) DO UPDATE SET
    ${add.map((c) => `${c} = ${t}.${c} + EXCLUDED.${c}`).join(",\n    ")},
    latency_hist = tollgate_hist_merge(${t}.latency_hist, EXCLUDED.latency_hist),
    ttft_hist = tollgate_hist_merge(${t}.ttft_hist, EXCLUDED.ttft_hist)`;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Rebuilds the rollups (call_rollups_*, call_latency_*, call_errors_*) of every hour touching [from, to]
 * from the calls table, and the daily rows of every day touching it from the hours — after calls were
 * changed in place (a recompute re-priced them). The table locks make concurrent batch inserts wait until the rebuilt rows are committed, so a call recorded meanwhile
 * is counted exactly once.
 */
export async function refreshRollups(pool: pg.Pool, from: Date, to: Date): Promise<{ hours: number; rows: number }> {
  const start = new Date(Math.floor(from.getTime() / HOUR_MS) * HOUR_MS);
  const end = new Date(Math.floor(to.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS);
  const dayStart = new Date(Math.floor(start.getTime() / DAY_MS) * DAY_MS);
  const dayEnd = new Date(Math.ceil(end.getTime() / DAY_MS) * DAY_MS);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      "LOCK TABLE call_rollups_hourly, call_rollups_daily, call_latency_hourly, call_latency_daily, call_errors_hourly, call_errors_daily IN SHARE ROW EXCLUSIVE MODE",
    );
    await client.query("DELETE FROM call_rollups_hourly WHERE hour >= $1 AND hour < $2", [start, end]);
    const result = await client.query(
      `WITH ${rollupCtes("(SELECT * FROM calls WHERE started_at >= $1 AND started_at < $2)")} ${rollupUpsert(ROLLUP_LEVELS[0])}`,
      [start, end],
    );
    await client.query("SELECT tollgate_rollup_days_from_hours($1, $2)", [dayStart, dayEnd]);
    // The report rollups (outcome-less latency, errors) of the same hours and days, from the rebuilt rows.
    await client.query("SELECT tollgate_report_rollup_hours($1, $2)", [start, end]);
    await client.query("SELECT tollgate_report_rollup_days($1, $2)", [dayStart, dayEnd]);
    await client.query("COMMIT");
    return { hours: (end.getTime() - start.getTime()) / HOUR_MS, rows: result.rowCount ?? 0 };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

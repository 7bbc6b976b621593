-- Hourly and daily rollups of calls per provider/app/model/outcome, maintained by the recorder's batch insert
-- in the same transaction as the calls themselves (server/src/metering/call-writer.ts), so reports over long
-- ranges read one row per key and hour (or day) instead of every call. Calls without a model roll up under
-- model ''.

-- The latency histogram's bucket of a duration: bucket 0 holds [0, 1) ms, bucket i >= 1 holds
-- [2^((i-1)/16), 2^(i/16)) ms — 16 log-spaced buckets per doubling, so a percentile read from the
-- histogram is within 4.4% of the exact one. Mirrored by server/src/metering/latency-histogram.ts.
CREATE FUNCTION "tollgate_latency_bucket"(ms DOUBLE PRECISION) RETURNS INTEGER
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN ms < 1 THEN 0 ELSE 1 + floor(ln(ms) * 16 / 0.6931471805599453)::int END $$;

-- A latency histogram is a sparse BIGINT[] of elements bucket * 2^32 + count ('{}' when empty). Merged, it
-- holds one element per non-empty bucket in bucket order; the batch upsert appends a batch's elements with ||
-- and merges only once the array has doubled since its last merge (*_hist_merged_size), so a bucket may
-- appear more than once: readers add up every element (unnest(h) … GROUP BY e >> 32 summing e & 4294967295).
-- Merges two histograms by adding counts bucket by bucket.
CREATE FUNCTION "tollgate_hist_merge"(a BIGINT[], b BIGINT[]) RETURNS BIGINT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT coalesce(array_agg((k << 32) + n ORDER BY k), '{}')
    FROM (SELECT e >> 32 AS k, sum(e & 4294967295)::bigint AS n FROM unnest(a || b) AS e GROUP BY 1) AS s
$$;

-- CreateTable
CREATE TABLE "call_rollups_hourly" (
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "provider" TEXT NOT NULL,
    "app" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "calls" BIGINT NOT NULL DEFAULT 0,
    "unpriced_calls" BIGINT NOT NULL DEFAULT 0,
    "input_tokens" BIGINT NOT NULL DEFAULT 0,
    "cached_input_tokens" BIGINT NOT NULL DEFAULT 0,
    "cache_write_tokens" BIGINT NOT NULL DEFAULT 0,
    "cache_write_1h_tokens" BIGINT NOT NULL DEFAULT 0,
    "output_tokens" BIGINT NOT NULL DEFAULT 0,
    "reasoning_tokens" BIGINT NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(38,16) NOT NULL DEFAULT 0,
    "latency_ms_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "latency_count" BIGINT NOT NULL DEFAULT 0,
    "ttft_ms_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "ttft_count" BIGINT NOT NULL DEFAULT 0,
    "latency_hist" BIGINT[] NOT NULL DEFAULT '{}',
    "ttft_hist" BIGINT[] NOT NULL DEFAULT '{}',
    "latency_hist_merged_size" INTEGER NOT NULL DEFAULT 0,
    "ttft_hist_merged_size" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "call_rollups_hourly_pkey" PRIMARY KEY ("hour","provider","app","model","outcome")
);

-- The same figures per UTC day, maintained alongside the hourly rows: reports by day or month over long
-- ranges read one row per key and day (24× fewer rows and histograms to merge than hourly).
CREATE TABLE "call_rollups_daily" (
    "day" TIMESTAMPTZ(3) NOT NULL,
    "provider" TEXT NOT NULL,
    "app" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "calls" BIGINT NOT NULL DEFAULT 0,
    "unpriced_calls" BIGINT NOT NULL DEFAULT 0,
    "input_tokens" BIGINT NOT NULL DEFAULT 0,
    "cached_input_tokens" BIGINT NOT NULL DEFAULT 0,
    "cache_write_tokens" BIGINT NOT NULL DEFAULT 0,
    "cache_write_1h_tokens" BIGINT NOT NULL DEFAULT 0,
    "output_tokens" BIGINT NOT NULL DEFAULT 0,
    "reasoning_tokens" BIGINT NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(38,16) NOT NULL DEFAULT 0,
    "latency_ms_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "latency_count" BIGINT NOT NULL DEFAULT 0,
    "ttft_ms_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "ttft_count" BIGINT NOT NULL DEFAULT 0,
    "latency_hist" BIGINT[] NOT NULL DEFAULT '{}',
    "ttft_hist" BIGINT[] NOT NULL DEFAULT '{}',
    "latency_hist_merged_size" INTEGER NOT NULL DEFAULT 0,
    "ttft_hist_merged_size" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "call_rollups_daily_pkey" PRIMARY KEY ("day","provider","app","model","outcome")
);

-- Rebuilds the daily rows of the UTC days in [from_day, to_day) from the hourly rows (after the hours were
-- rebuilt, or to backfill). Callers that may run beside the batch insert hold a lock on the rollup tables.
CREATE FUNCTION "tollgate_rollup_days_from_hours"(from_day TIMESTAMPTZ, to_day TIMESTAMPTZ) RETURNS VOID
LANGUAGE sql
AS $$
  DELETE FROM call_rollups_daily WHERE day >= from_day AND day < to_day;
  WITH h AS (
    SELECT date_trunc('day', hour, 'UTC') AS day, * FROM call_rollups_hourly WHERE hour >= from_day AND hour < to_day
  ), sums AS (
    SELECT day, provider, app, model, outcome, sum(calls) AS calls, sum(unpriced_calls) AS unpriced_calls,
           sum(input_tokens) AS input_tokens, sum(cached_input_tokens) AS cached_input_tokens,
           sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
           sum(output_tokens) AS output_tokens, sum(reasoning_tokens) AS reasoning_tokens, sum(cost_usd) AS cost_usd,
           sum(latency_ms_sum) AS latency_ms_sum, sum(latency_count) AS latency_count, sum(ttft_ms_sum) AS ttft_ms_sum,
           sum(ttft_count) AS ttft_count
      FROM h GROUP BY 1, 2, 3, 4, 5
  ), lat AS (
    SELECT day, provider, app, model, outcome, array_agg((k << 32) + n ORDER BY k) AS hist
      FROM (SELECT day, provider, app, model, outcome, e >> 32 AS k, sum(e & 4294967295)::bigint AS n
              FROM h, unnest(h.latency_hist) AS e GROUP BY 1, 2, 3, 4, 5, 6) AS x
     GROUP BY 1, 2, 3, 4, 5
  ), ttft AS (
    SELECT day, provider, app, model, outcome, array_agg((k << 32) + n ORDER BY k) AS hist
      FROM (SELECT day, provider, app, model, outcome, e >> 32 AS k, sum(e & 4294967295)::bigint AS n
              FROM h, unnest(h.ttft_hist) AS e GROUP BY 1, 2, 3, 4, 5, 6) AS x
     GROUP BY 1, 2, 3, 4, 5
  )
  INSERT INTO call_rollups_daily
  SELECT s.day, s.provider, s.app, s.model, s.outcome, s.calls, s.unpriced_calls, s.input_tokens, s.cached_input_tokens,
         s.cache_write_tokens, s.cache_write_1h_tokens, s.output_tokens, s.reasoning_tokens, s.cost_usd, s.latency_ms_sum,
         s.latency_count, s.ttft_ms_sum, s.ttft_count, coalesce(lat.hist, '{}'), coalesce(ttft.hist, '{}')
    FROM sums AS s
    LEFT JOIN lat USING (day, provider, app, model, outcome)
    LEFT JOIN ttft USING (day, provider, app, model, outcome)
   ORDER BY 1, 2, 3, 4, 5;
$$;

-- Top error types read failed calls only; a partial index keeps that cheap on months of calls.
CREATE INDEX "calls_failed_started_at_idx" ON "calls"("started_at") WHERE "outcome" <> 'ok';

-- Backfill from calls already recorded (same aggregation as rollup-sql.ts), then the days from the hours.
WITH keyed AS MATERIALIZED (
  SELECT date_trunc('hour', started_at, 'UTC') AS hour, provider, app, coalesce(model, '') AS model, outcome, priced,
         usage_source, input_tokens, cached_input_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens,
         reasoning_tokens, cost_usd, latency_ms, ttft_ms
    FROM calls
), lat AS (
  SELECT hour, provider, app, model, outcome, array_agg((b::bigint << 32) + n ORDER BY b) AS h
    FROM (SELECT hour, provider, app, model, outcome, tollgate_latency_bucket(latency_ms) AS b, count(*) AS n
            FROM keyed GROUP BY 1, 2, 3, 4, 5, 6) AS x
   GROUP BY 1, 2, 3, 4, 5
), ttft AS (
  SELECT hour, provider, app, model, outcome, array_agg((b::bigint << 32) + n ORDER BY b) AS h
    FROM (SELECT hour, provider, app, model, outcome, tollgate_latency_bucket(ttft_ms) AS b, count(*) AS n
            FROM keyed WHERE ttft_ms IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6) AS x
   GROUP BY 1, 2, 3, 4, 5
), sums AS (
  SELECT hour, provider, app, model, outcome, count(*) AS calls,
         count(*) FILTER (WHERE NOT priced AND usage_source <> 'none') AS unpriced_calls,
         sum(input_tokens) AS input_tokens, sum(cached_input_tokens) AS cached_input_tokens,
         sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
         sum(output_tokens) AS output_tokens, sum(reasoning_tokens) AS reasoning_tokens,
         coalesce(sum(cost_usd), 0) AS cost_usd, sum(latency_ms) AS latency_ms_sum, count(*) AS latency_count,
         coalesce(sum(ttft_ms), 0) AS ttft_ms_sum, count(ttft_ms) AS ttft_count
    FROM keyed GROUP BY 1, 2, 3, 4, 5
)
INSERT INTO "call_rollups_hourly"
SELECT s.hour, s.provider, s.app, s.model, s.outcome, s.calls, s.unpriced_calls, s.input_tokens, s.cached_input_tokens,
       s.cache_write_tokens, s.cache_write_1h_tokens, s.output_tokens, s.reasoning_tokens, s.cost_usd, s.latency_ms_sum,
       s.latency_count, s.ttft_ms_sum, s.ttft_count, lat.h, coalesce(ttft.h, '{}')
  FROM sums AS s
  JOIN lat USING (hour, provider, app, model, outcome)
  LEFT JOIN ttft USING (hour, provider, app, model, outcome);

SELECT tollgate_rollup_days_from_hours('-infinity', 'infinity');

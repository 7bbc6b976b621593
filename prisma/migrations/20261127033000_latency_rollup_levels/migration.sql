-- The latency report by provider (or by app) over 30 days of 10M calls still merged ≈600k histogram elements
-- from call_latency_* rows per provider/app/model: every provider-day is ≈15 rows whose buckets mostly
-- coincide. A `level` column adds, beside those rows ('key'), the same histograms already merged per provider
-- ('provider': app and model '') and per app ('app': provider and model ''), so a report grouped by provider
-- or app (without an app/model or provider/model filter) reads ≈10× fewer elements. Written by the same
-- upsert as the key rows (one statement per time level).
ALTER TABLE "call_latency_hourly" ADD COLUMN "level" TEXT NOT NULL DEFAULT 'key';
ALTER TABLE "call_latency_hourly" DROP CONSTRAINT "call_latency_hourly_pkey";
ALTER TABLE "call_latency_hourly" ADD CONSTRAINT "call_latency_hourly_pkey" PRIMARY KEY ("hour","level","provider","app","model");
ALTER TABLE "call_latency_daily" ADD COLUMN "level" TEXT NOT NULL DEFAULT 'key';
ALTER TABLE "call_latency_daily" DROP CONSTRAINT "call_latency_daily_pkey";
ALTER TABLE "call_latency_daily" ADD CONSTRAINT "call_latency_daily_pkey" PRIMARY KEY ("day","level","provider","app","model");

-- Rebuilds the error and latency rows of the hours in [from_hour, to_hour): errors from the calls, latency
-- from call_rollups_hourly (merged over outcomes; then per provider and per app), so call_rollups_hourly
-- must already be right for those hours. Callers that may run beside the batch insert hold a lock on the
-- rollup tables.
CREATE OR REPLACE FUNCTION "tollgate_report_rollup_hours"(from_hour TIMESTAMPTZ, to_hour TIMESTAMPTZ) RETURNS VOID
LANGUAGE sql
AS $$
  DELETE FROM call_errors_hourly WHERE hour >= from_hour AND hour < to_hour;
  INSERT INTO call_errors_hourly (hour, provider, app, model, outcome, error_key, error_type, error_message, calls, last_seen)
  SELECT date_trunc('hour', started_at, 'UTC'), provider, app, coalesce(model, ''), outcome,
         tollgate_error_key(error_type, error_message), error_type, error_message, count(*), max(started_at)
    FROM calls
   WHERE started_at >= from_hour AND started_at < to_hour AND outcome <> 'ok'
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
   ORDER BY 1, 2, 3, 4, 5, 6;

  DELETE FROM call_latency_hourly WHERE hour >= from_hour AND hour < to_hour;
  WITH h AS (
    SELECT r.hour, v.level, v.provider, v.app, v.model, r.calls, r.latency_hist, r.ttft_hist
      FROM call_rollups_hourly AS r,
           LATERAL (VALUES ('key', r.provider, r.app, r.model), ('provider', r.provider, '', ''), ('app', '', r.app, '')) AS v(level, provider, app, model)
     WHERE r.hour >= from_hour AND r.hour < to_hour
  ), sums AS (
    SELECT hour, level, provider, app, model, sum(calls) AS calls FROM h GROUP BY 1, 2, 3, 4, 5
  ), lat AS (
    SELECT hour, level, provider, app, model, array_agg((k << 32) + n ORDER BY k) AS hist
      FROM (SELECT hour, level, provider, app, model, e >> 32 AS k, sum(e & 4294967295)::bigint AS n
              FROM h, unnest(h.latency_hist) AS e GROUP BY 1, 2, 3, 4, 5, 6) AS x
     GROUP BY 1, 2, 3, 4, 5
  ), ttft AS (
    SELECT hour, level, provider, app, model, array_agg((k << 32) + n ORDER BY k) AS hist
      FROM (SELECT hour, level, provider, app, model, e >> 32 AS k, sum(e & 4294967295)::bigint AS n
              FROM h, unnest(h.ttft_hist) AS e GROUP BY 1, 2, 3, 4, 5, 6) AS x
     GROUP BY 1, 2, 3, 4, 5
  )
  INSERT INTO call_latency_hourly (hour, level, provider, app, model, calls, latency_hist, ttft_hist, latency_hist_merged_size, ttft_hist_merged_size)
  SELECT s.hour, s.level, s.provider, s.app, s.model, s.calls, coalesce(lat.hist, '{}'), coalesce(ttft.hist, '{}'),
         coalesce(cardinality(lat.hist), 0), coalesce(cardinality(ttft.hist), 0)
    FROM sums AS s
    LEFT JOIN lat USING (hour, level, provider, app, model)
    LEFT JOIN ttft USING (hour, level, provider, app, model)
   ORDER BY 1, 2, 3, 4, 5;
$$;

-- Rebuilds the daily error and latency rows of the UTC days in [from_day, to_day) from their hourly rows.
CREATE OR REPLACE FUNCTION "tollgate_report_rollup_days"(from_day TIMESTAMPTZ, to_day TIMESTAMPTZ) RETURNS VOID
LANGUAGE sql
AS $$
  DELETE FROM call_errors_daily WHERE day >= from_day AND day < to_day;
  INSERT INTO call_errors_daily (day, provider, app, model, outcome, error_key, error_type, error_message, calls, last_seen)
  SELECT date_trunc('day', hour, 'UTC'), provider, app, model, outcome, error_key, error_type, error_message, sum(calls), max(last_seen)
    FROM call_errors_hourly
   WHERE hour >= from_day AND hour < to_day
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
   ORDER BY 1, 2, 3, 4, 5, 6;

  DELETE FROM call_latency_daily WHERE day >= from_day AND day < to_day;
  WITH h AS (
    SELECT date_trunc('day', hour, 'UTC') AS day, * FROM call_latency_hourly WHERE hour >= from_day AND hour < to_day
  ), sums AS (
    SELECT day, level, provider, app, model, sum(calls) AS calls FROM h GROUP BY 1, 2, 3, 4, 5
  ), lat AS (
    SELECT day, level, provider, app, model, array_agg((k << 32) + n ORDER BY k) AS hist
      FROM (SELECT day, level, provider, app, model, e >> 32 AS k, sum(e & 4294967295)::bigint AS n
              FROM h, unnest(h.latency_hist) AS e GROUP BY 1, 2, 3, 4, 5, 6) AS x
     GROUP BY 1, 2, 3, 4, 5
  ), ttft AS (
    SELECT day, level, provider, app, model, array_agg((k << 32) + n ORDER BY k) AS hist
      FROM (SELECT day, level, provider, app, model, e >> 32 AS k, sum(e & 4294967295)::bigint AS n
              FROM h, unnest(h.ttft_hist) AS e GROUP BY 1, 2, 3, 4, 5, 6) AS x
     GROUP BY 1, 2, 3, 4, 5
  )
  INSERT INTO call_latency_daily (day, level, provider, app, model, calls, latency_hist, ttft_hist, latency_hist_merged_size, ttft_hist_merged_size)
  SELECT s.day, s.level, s.provider, s.app, s.model, s.calls, coalesce(lat.hist, '{}'), coalesce(ttft.hist, '{}'),
         coalesce(cardinality(lat.hist), 0), coalesce(cardinality(ttft.hist), 0)
    FROM sums AS s
    LEFT JOIN lat USING (day, level, provider, app, model)
    LEFT JOIN ttft USING (day, level, provider, app, model)
   ORDER BY 1, 2, 3, 4, 5;
$$;

-- Backfill the new levels (the key rows are already right): rebuild the latency rows of everything recorded.
-- Errors are rebuilt too (same function; they come out identical).
SELECT tollgate_report_rollup_hours('-infinity', 'infinity');
SELECT tollgate_report_rollup_days('-infinity', 'infinity');

-- Measured after 20261127033000 (2,000-call batches): the call_latency_* 'key' rows (per provider/app/model)
-- cost the batch insert as much as the 'provider' and 'app' rows together (≈15 of ≈30 ms per batch, on top of
-- ≈25 ms for call_rollups_*), and they served only latency reports grouped by model or filtered by app/model
-- without an outcome filter. Those read call_rollups_* again, as before these tables; only the per-provider and
-- per-app rows, which the 30-day reports by provider and by app need, stay.
DELETE FROM "call_latency_hourly" WHERE "level" = 'key';
DELETE FROM "call_latency_daily" WHERE "level" = 'key';
ALTER TABLE "call_latency_hourly" ALTER COLUMN "level" DROP DEFAULT;
ALTER TABLE "call_latency_daily" ALTER COLUMN "level" DROP DEFAULT;

-- The hours rebuild without the 'key' rows (tollgate_report_rollup_days groups by whatever levels exist).
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
           LATERAL (VALUES ('provider', r.provider, '', ''), ('app', '', r.app, '')) AS v(level, provider, app, model)
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

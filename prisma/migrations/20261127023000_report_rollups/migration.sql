-- Rollups shaped for two reports that the call_rollups_* tables serve poorly at 10M calls:
--
-- * call_errors_hourly / call_errors_daily: failed calls (outcome <> 'ok') per provider/app/model/outcome and
--   error type + message, with the latest started_at — the failures report's top errors read these for whole
--   hours and days instead of every failed call of the range (≈550k rows for 30 days of 10M calls).
-- * call_latency_hourly / call_latency_daily: the latency histograms per provider/app/model without the outcome
--   dimension — the latency report (without an outcome filter) merges ≈6× fewer rows.
--
-- Both are maintained by the batch insert in the same transaction as the calls and the other rollups
-- (server/src/metering/call-writer.ts), rebuilt with them after a recompute (rollup-sql.ts), and backfilled
-- below from what is already recorded.

-- The key of an error type + message in the error rollups: a hash, so a long provider message cannot exceed
-- the btree's row limit (which would fail the whole batch insert), and unambiguous (length-prefixed; NULL
-- is '-', which no length prefix starts with).
CREATE FUNCTION "tollgate_error_key"(error_type TEXT, error_message TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT md5(coalesce(length(error_type) || ':' || error_type, '-') || '|' || coalesce(length(error_message) || ':' || error_message, '-'))
$$;

CREATE TABLE "call_errors_hourly" (
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "provider" TEXT NOT NULL,
    "app" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "error_key" TEXT NOT NULL,
    "error_type" TEXT,
    "error_message" TEXT,
    "calls" BIGINT NOT NULL DEFAULT 0,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "call_errors_hourly_pkey" PRIMARY KEY ("hour","provider","app","model","outcome","error_key")
);

CREATE TABLE "call_errors_daily" (
    "day" TIMESTAMPTZ(3) NOT NULL,
    "provider" TEXT NOT NULL,
    "app" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "error_key" TEXT NOT NULL,
    "error_type" TEXT,
    "error_message" TEXT,
    "calls" BIGINT NOT NULL DEFAULT 0,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "call_errors_daily_pkey" PRIMARY KEY ("day","provider","app","model","outcome","error_key")
);

-- Histograms as in call_rollups_* (sparse BIGINT[], lazily merged: see tollgate_hist_merge).
CREATE TABLE "call_latency_hourly" (
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "provider" TEXT NOT NULL,
    "app" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "calls" BIGINT NOT NULL DEFAULT 0,
    "latency_hist" BIGINT[] NOT NULL DEFAULT '{}',
    "ttft_hist" BIGINT[] NOT NULL DEFAULT '{}',
    "latency_hist_merged_size" INTEGER NOT NULL DEFAULT 0,
    "ttft_hist_merged_size" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "call_latency_hourly_pkey" PRIMARY KEY ("hour","provider","app","model")
);

CREATE TABLE "call_latency_daily" (
    "day" TIMESTAMPTZ(3) NOT NULL,
    "provider" TEXT NOT NULL,
    "app" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "calls" BIGINT NOT NULL DEFAULT 0,
    "latency_hist" BIGINT[] NOT NULL DEFAULT '{}',
    "ttft_hist" BIGINT[] NOT NULL DEFAULT '{}',
    "latency_hist_merged_size" INTEGER NOT NULL DEFAULT 0,
    "ttft_hist_merged_size" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "call_latency_daily_pkey" PRIMARY KEY ("day","provider","app","model")
);

-- Rebuilds the error and latency rows of the hours in [from_hour, to_hour): errors from the calls, latency
-- from call_rollups_hourly (merged over outcomes), so call_rollups_hourly must already be right for those
-- hours. Callers that may run beside the batch insert hold a lock on the rollup tables.
CREATE FUNCTION "tollgate_report_rollup_hours"(from_hour TIMESTAMPTZ, to_hour TIMESTAMPTZ) RETURNS VOID
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
    SELECT * FROM call_rollups_hourly WHERE hour >= from_hour AND hour < to_hour
  ), sums AS (
    SELECT hour, provider, app, model, sum(calls) AS calls FROM h GROUP BY 1, 2, 3, 4
  ), lat AS (
    SELECT hour, provider, app, model, array_agg((k << 32) + n ORDER BY k) AS hist
      FROM (SELECT hour, provider, app, model, e >> 32 AS k, sum(e & 4294967295)::bigint AS n
              FROM h, unnest(h.latency_hist) AS e GROUP BY 1, 2, 3, 4, 5) AS x
     GROUP BY 1, 2, 3, 4
  ), ttft AS (
    SELECT hour, provider, app, model, array_agg((k << 32) + n ORDER BY k) AS hist
      FROM (SELECT hour, provider, app, model, e >> 32 AS k, sum(e & 4294967295)::bigint AS n
              FROM h, unnest(h.ttft_hist) AS e GROUP BY 1, 2, 3, 4, 5) AS x
     GROUP BY 1, 2, 3, 4
  )
  INSERT INTO call_latency_hourly (hour, provider, app, model, calls, latency_hist, ttft_hist, latency_hist_merged_size, ttft_hist_merged_size)
  SELECT s.hour, s.provider, s.app, s.model, s.calls, coalesce(lat.hist, '{}'), coalesce(ttft.hist, '{}'),
         coalesce(cardinality(lat.hist), 0), coalesce(cardinality(ttft.hist), 0)
    FROM sums AS s
    LEFT JOIN lat USING (hour, provider, app, model)
    LEFT JOIN ttft USING (hour, provider, app, model)
   ORDER BY 1, 2, 3, 4;
$$;

-- Rebuilds the daily error and latency rows of the UTC days in [from_day, to_day) from their hourly rows.
CREATE FUNCTION "tollgate_report_rollup_days"(from_day TIMESTAMPTZ, to_day TIMESTAMPTZ) RETURNS VOID
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
    SELECT day, provider, app, model, sum(calls) AS calls FROM h GROUP BY 1, 2, 3, 4
  ), lat AS (
    SELECT day, provider, app, model, array_agg((k << 32) + n ORDER BY k) AS hist
      FROM (SELECT day, provider, app, model, e >> 32 AS k, sum(e & 4294967295)::bigint AS n
              FROM h, unnest(h.latency_hist) AS e GROUP BY 1, 2, 3, 4, 5) AS x
     GROUP BY 1, 2, 3, 4
  ), ttft AS (
    SELECT day, provider, app, model, array_agg((k << 32) + n ORDER BY k) AS hist
      FROM (SELECT day, provider, app, model, e >> 32 AS k, sum(e & 4294967295)::bigint AS n
              FROM h, unnest(h.ttft_hist) AS e GROUP BY 1, 2, 3, 4, 5) AS x
     GROUP BY 1, 2, 3, 4
  )
  INSERT INTO call_latency_daily (day, provider, app, model, calls, latency_hist, ttft_hist, latency_hist_merged_size, ttft_hist_merged_size)
  SELECT s.day, s.provider, s.app, s.model, s.calls, coalesce(lat.hist, '{}'), coalesce(ttft.hist, '{}'),
         coalesce(cardinality(lat.hist), 0), coalesce(cardinality(ttft.hist), 0)
    FROM sums AS s
    LEFT JOIN lat USING (day, provider, app, model)
    LEFT JOIN ttft USING (day, provider, app, model)
   ORDER BY 1, 2, 3, 4;
$$;

-- Backfill from what is already recorded (errors from the calls, latency from call_rollups_hourly).
SELECT tollgate_report_rollup_hours('-infinity', 'infinity');
SELECT tollgate_report_rollup_days('-infinity', 'infinity');

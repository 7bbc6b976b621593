-- Per-request and tool fees (web search, file search, grounding…): each call's counted fees as
-- [{kind, count, usd}] and their sum, which is included in cost_usd.
ALTER TABLE "calls" ADD COLUMN "fees" JSONB;
ALTER TABLE "calls" ADD COLUMN "fees_usd" DECIMAL(28,16);

-- The fees' part of cost_usd in the rollups (0 for calls recorded before fees were counted).
ALTER TABLE "call_rollups_hourly" ADD COLUMN "fees_usd" DECIMAL(38,16) NOT NULL DEFAULT 0;
ALTER TABLE "call_rollups_daily" ADD COLUMN "fees_usd" DECIMAL(38,16) NOT NULL DEFAULT 0;

-- Effective-dated fee prices: USD per unit of a fee kind, for a provider's models matching `model`.
CREATE TABLE "fee_prices" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "model" TEXT NOT NULL DEFAULT '',
    "match_type" TEXT NOT NULL DEFAULT 'prefix',
    "effective_from" TIMESTAMPTZ(3) NOT NULL,
    "usd_per_unit" DECIMAL(20,10) NOT NULL,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "fee_prices_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "fee_prices_provider_kind_idx" ON "fee_prices"("provider", "kind");

-- The daily rows rebuilt from the hourly ones carry fees_usd too (same body as before plus that column).
CREATE OR REPLACE FUNCTION "tollgate_rollup_days_from_hours"(from_day TIMESTAMPTZ, to_day TIMESTAMPTZ) RETURNS VOID
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
           sum(ttft_count) AS ttft_count, sum(fees_usd) AS fees_usd
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
  INSERT INTO call_rollups_daily (day, provider, app, model, outcome, calls, unpriced_calls, input_tokens,
         cached_input_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd,
         latency_ms_sum, latency_count, ttft_ms_sum, ttft_count, latency_hist, ttft_hist, fees_usd)
  SELECT s.day, s.provider, s.app, s.model, s.outcome, s.calls, s.unpriced_calls, s.input_tokens, s.cached_input_tokens,
         s.cache_write_tokens, s.cache_write_1h_tokens, s.output_tokens, s.reasoning_tokens, s.cost_usd, s.latency_ms_sum,
         s.latency_count, s.ttft_ms_sum, s.ttft_count, coalesce(lat.hist, '{}'), coalesce(ttft.hist, '{}'), s.fees_usd
    FROM sums AS s
    LEFT JOIN lat USING (day, provider, app, model, outcome)
    LEFT JOIN ttft USING (day, provider, app, model, outcome)
   ORDER BY 1, 2, 3, 4, 5;
$$;

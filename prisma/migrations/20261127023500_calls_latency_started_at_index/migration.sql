-- The latency report's slowest calls are ORDER BY latency_ms DESC, started_at DESC LIMIT 20. With an index on
-- latency_ms alone the second key needs an incremental sort of the whole top group of equal latencies —
-- timed-out calls all share the timeout's latency, so that group was every timeout of the range (≈5k calls
-- read at 1M calls, ≈50k at 10M). With started_at in the index the backward scan stops after 20 rows.
CREATE INDEX "calls_latency_ms_started_at_idx" ON "calls"("latency_ms", "started_at");
DROP INDEX "calls_latency_ms_idx";

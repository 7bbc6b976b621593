-- Traces and sessions: the W3C trace a call came in (trace id, the caller's span) and its session
-- (x-tollgate-session, else the trace id). On the partitioned "calls" table ADD COLUMN reaches every
-- partition (and the partitions the maintenance function creates later, LIKE "calls"); the columns are
-- NULL-able without a default, so no partition is rewritten.
ALTER TABLE "calls" ADD COLUMN "session_id" TEXT, ADD COLUMN "trace_id" TEXT, ADD COLUMN "parent_span_id" TEXT;

-- A session's or a trace's calls in order, and the session list's grouping; partial, so the common call
-- without either costs no index insert. An index on the partitioned parent is created on each partition.
CREATE INDEX "calls_session_id_started_at_idx" ON "calls"("session_id", "started_at") WHERE "session_id" IS NOT NULL;
CREATE INDEX "calls_trace_id_started_at_idx" ON "calls"("trace_id", "started_at") WHERE "trace_id" IS NOT NULL;

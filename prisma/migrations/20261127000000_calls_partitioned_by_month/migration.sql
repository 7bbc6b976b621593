-- Partitions "calls" by month of started_at (declarative range partitioning), so that retention is
-- dropping a partition and queries over a time range touch only the months they cover. The primary key
-- (id, started_at) already contains the partition key, so ON CONFLICT DO NOTHING still deduplicates: a
-- call's started_at is the timestamp inside its UUIDv7 id, so the same call always lands in the same
-- partition. Columns, indexes and their names stay exactly as schema.prisma describes them.

ALTER TABLE "calls" RENAME TO "calls_unpartitioned";
ALTER TABLE "calls_unpartitioned" RENAME CONSTRAINT "calls_pkey" TO "calls_unpartitioned_pkey";
ALTER INDEX "calls_started_at_idx" RENAME TO "calls_unpartitioned_started_at_idx";
ALTER INDEX "calls_app_started_at_idx" RENAME TO "calls_unpartitioned_app_started_at_idx";
ALTER INDEX "calls_provider_model_started_at_idx" RENAME TO "calls_unpartitioned_provider_model_started_at_idx";
ALTER INDEX "calls_failed_started_at_idx" RENAME TO "calls_unpartitioned_failed_started_at_idx";

CREATE TABLE "calls" (LIKE "calls_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
  PARTITION BY RANGE ("started_at");
ALTER TABLE "calls" ADD CONSTRAINT "calls_pkey" PRIMARY KEY ("id", "started_at");
CREATE INDEX "calls_started_at_idx" ON "calls"("started_at");
CREATE INDEX "calls_app_started_at_idx" ON "calls"("app", "started_at");
CREATE INDEX "calls_provider_model_started_at_idx" ON "calls"("provider", "model", "started_at");
CREATE INDEX "calls_failed_started_at_idx" ON "calls"("started_at") WHERE "outcome" <> 'ok';

-- Rows of a month without a partition of its own (clock skew, a maintenance run missed) land here, so an
-- insert never fails; the maintenance function moves them into their month once it creates it.
CREATE TABLE "calls_default" PARTITION OF "calls" DEFAULT;

-- Creates the monthly partitions (calls_YYYY_MM, UTC months) from the month of `from_at` through
-- `months_ahead` months after the current one, moving any rows of those months out of calls_default.
-- Safe to run concurrently from several replicas (one advisory lock) and as often as wanted. Returns the
-- number of partitions it created.
CREATE FUNCTION "tollgate_ensure_call_partitions"(from_at TIMESTAMPTZ, months_ahead INTEGER)
RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  month_start TIMESTAMP := date_trunc('month', least(from_at, now()) AT TIME ZONE 'UTC');
  last_start TIMESTAMP := date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => months_ahead);
  lo TIMESTAMPTZ;
  hi TIMESTAMPTZ;
  part TEXT;
  created INTEGER := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(72657375);
  WHILE month_start <= last_start LOOP
    lo := month_start AT TIME ZONE 'UTC';
    hi := (month_start + INTERVAL '1 month') AT TIME ZONE 'UTC';
    part := 'calls_' || to_char(month_start, 'YYYY_MM');
    IF to_regclass(format('%I', part)) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE "calls" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
      EXECUTE format(
        'WITH moved AS (DELETE FROM "calls_default" WHERE started_at >= %L AND started_at < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
        lo, hi, part);
      EXECUTE format('ALTER TABLE "calls" ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
      created := created + 1;
    END IF;
    month_start := month_start + INTERVAL '1 month';
  END LOOP;
  RETURN created;
END $$;

-- Retention: drops the monthly partitions that end on or before `cutoff` (whole months only; the rows of
-- a partly expired month stay until all of it has). Rollups are kept, so reports over those months still
-- add up. Returns the names of the dropped partitions.
CREATE FUNCTION "tollgate_drop_call_partitions_before"(cutoff TIMESTAMPTZ)
RETURNS SETOF TEXT LANGUAGE plpgsql AS $$
DECLARE
  part RECORD;
BEGIN
  PERFORM pg_advisory_xact_lock(72657375);
  FOR part IN
    SELECT c.relname AS name
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = '"calls"'::regclass
       AND c.relname ~ '^calls_[0-9]{4}_[0-9]{2}$'
       AND (to_timestamp(substr(c.relname, 7), 'YYYY_MM')::timestamp + INTERVAL '1 month') AT TIME ZONE 'UTC' <= cutoff
     ORDER BY c.relname
  LOOP
    EXECUTE format('DROP TABLE %I', part.name);
    RETURN NEXT part.name;
  END LOOP;
END $$;

-- Move what was recorded before: everything goes in (to the default partition), then each month it
-- spans gets its partition, which takes its rows back out of the default.
INSERT INTO "calls" SELECT * FROM "calls_unpartitioned";
SELECT "tollgate_ensure_call_partitions"(coalesce((SELECT min("started_at") FROM "calls_unpartitioned"), now()), 2);
DROP TABLE "calls_unpartitioned";

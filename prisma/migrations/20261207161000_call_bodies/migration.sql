-- Captured request and response bodies (TOLLGATE_LOG_BODIES), one row per call, apart from "calls" so the
-- calls table and its reports never grow with them. Partitioned by month of the call's start like "calls",
-- with a retention of its own (TOLLGATE_BODY_RETENTION_DAYS): whole months are dropped, the rest deleted.
CREATE TABLE "call_bodies" (
  "call_id" UUID NOT NULL,
  "started_at" TIMESTAMPTZ(3) NOT NULL,
  "method" TEXT NOT NULL,
  "path" TEXT NOT NULL,
  "query" TEXT,
  "request_headers" JSONB,
  "request_body" TEXT,
  "request_truncated" BOOLEAN NOT NULL DEFAULT false,
  "response_body" TEXT,
  "response_truncated" BOOLEAN NOT NULL DEFAULT false,
  "response_assembled" BOOLEAN NOT NULL DEFAULT false,
  CONSTRAINT "call_bodies_pkey" PRIMARY KEY ("call_id", "started_at")
) PARTITION BY RANGE ("started_at");

-- Rows of a month without its partition land here until the maintenance function creates it.
CREATE TABLE "call_bodies_default" PARTITION OF "call_bodies" DEFAULT;

-- call_bodies_YYYY_MM partitions (UTC months) from the month of `from_at` through `months_ahead` months
-- after the current one, moving rows of those months out of the default partition. Idempotent; one
-- advisory lock of its own, so concurrent replicas do not race.
CREATE FUNCTION "tollgate_ensure_body_partitions"(from_at TIMESTAMPTZ, months_ahead INTEGER)
RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  month_start TIMESTAMP := date_trunc('month', least(from_at, now()) AT TIME ZONE 'UTC');
  last_start TIMESTAMP := date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => months_ahead);
  lo TIMESTAMPTZ;
  hi TIMESTAMPTZ;
  part TEXT;
  created INTEGER := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(72657376);
  WHILE month_start <= last_start LOOP
    lo := month_start AT TIME ZONE 'UTC';
    hi := (month_start + INTERVAL '1 month') AT TIME ZONE 'UTC';
    part := 'call_bodies_' || to_char(month_start, 'YYYY_MM');
    IF to_regclass(format('%I', part)) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE "call_bodies" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
      EXECUTE format(
        'WITH moved AS (DELETE FROM "call_bodies_default" WHERE started_at >= %L AND started_at < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
        lo, hi, part);
      EXECUTE format('ALTER TABLE "call_bodies" ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
      created := created + 1;
    END IF;
    month_start := month_start + INTERVAL '1 month';
  END LOOP;
  RETURN created;
END $$;

-- Retention: drops the monthly partitions that end on or before `cutoff`, then deletes the older rows of
-- the month the cutoff falls in (and of the default partition). Returns the dropped partitions' names.
CREATE FUNCTION "tollgate_expire_bodies_before"(cutoff TIMESTAMPTZ)
RETURNS SETOF TEXT LANGUAGE plpgsql AS $$
DECLARE
  part RECORD;
BEGIN
  PERFORM pg_advisory_xact_lock(72657376);
  FOR part IN
    SELECT c.relname AS name
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = '"call_bodies"'::regclass
       AND c.relname ~ '^call_bodies_[0-9]{4}_[0-9]{2}$'
       AND (to_timestamp(substr(c.relname, 13), 'YYYY_MM')::timestamp + INTERVAL '1 month') AT TIME ZONE 'UTC' <= cutoff
     ORDER BY c.relname
  LOOP
    EXECUTE format('DROP TABLE %I', part.name);
    RETURN NEXT part.name;
  END LOOP;
  DELETE FROM "call_bodies" WHERE started_at < cutoff;
END $$;

SELECT "tollgate_ensure_body_partitions"(now(), 2);

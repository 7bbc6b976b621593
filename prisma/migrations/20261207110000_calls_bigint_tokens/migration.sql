-- Token counts are bigint, so any count a provider can report is recordable (int4 stopped at 2^31 - 1 and
-- the whole batch holding such a row was refused). On the partitioned "calls" table ALTER COLUMN TYPE
-- recurses to every partition (calls_default and each calls_YYYY_MM) and rewrites them, under an ACCESS
-- EXCLUSIVE lock for its duration: on a large table, run it at a quiet time. Rollup tables were bigint already.
-- usage_clamped flags a call whose reported usage was implausible (negative, fractional, not a number, above
-- 1e12 tokens, or a reported charge of $1M or more) and was recorded clamped.
ALTER TABLE "calls"
  ALTER COLUMN "input_tokens" TYPE BIGINT,
  ALTER COLUMN "cached_input_tokens" TYPE BIGINT,
  ALTER COLUMN "cache_write_tokens" TYPE BIGINT,
  ALTER COLUMN "cache_write_1h_tokens" TYPE BIGINT,
  ALTER COLUMN "output_tokens" TYPE BIGINT,
  ALTER COLUMN "reasoning_tokens" TYPE BIGINT,
  ADD COLUMN "usage_clamped" BOOLEAN NOT NULL DEFAULT false;

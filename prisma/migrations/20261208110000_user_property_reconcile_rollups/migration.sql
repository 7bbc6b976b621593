-- Daily rollups for the reports that still read every call of their range at 10M calls:
--
-- * call_user_rollups_daily: spend per UTC day, app and user ('' for calls without a user). Users are the
--   high-cardinality dimension, so the key is only (day, app, user): measured on the seeded 10M-call database
--   (333k calls a day, ≈7,000 users), 7,351 rows a day; adding provider, model and outcome would make it
--   61,464 rows a day (a 30-day report would then read 1.8M rows). Spend by user (alone or with app, filtered
--   by app and/or user) reads it for whole days.
-- * call_property_rollups_daily: spend per UTC day, property name and value, provider, app, model and
--   outcome (only calls that carry the property). A name and value are keyed by an md5 of both, so a
--   1000-character value cannot exceed the btree's row limit.
-- * call_reconcile_daily: the reconciliation page's figures per UTC day, provider, model as the provider
--   answered it (response model, else requested, else '') and whether a virtual key made the call (held:
--   Tollgate sent the provider key it holds): requests (successful calls), tokens, cost, the last call and
--   the line items (web searches, audio and batch tokens).
--
-- All three are upserted by the batch insert in the same transaction as the calls (recording/call-writer.ts)
-- and rebuilt by `npm run tollgate -- rollups rebuild` (rollups/rollup-rebuild.ts), which fills them for
-- calls recorded before this migration. Rows are updated in place once per batch: a lower fillfactor leaves
-- room on the page so the update is HOT (no index entry written).

CREATE TABLE "call_user_rollups_daily" (
    "day" TIMESTAMPTZ(3) NOT NULL,
    "app" TEXT NOT NULL,
    "user" TEXT NOT NULL,
    "calls" BIGINT NOT NULL DEFAULT 0,
    "unpriced_calls" BIGINT NOT NULL DEFAULT 0,
    "input_tokens" BIGINT NOT NULL DEFAULT 0,
    "cached_input_tokens" BIGINT NOT NULL DEFAULT 0,
    "cache_write_tokens" BIGINT NOT NULL DEFAULT 0,
    "output_tokens" BIGINT NOT NULL DEFAULT 0,
    "reasoning_tokens" BIGINT NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(38,16) NOT NULL DEFAULT 0,
    "fees_usd" DECIMAL(38,16) NOT NULL DEFAULT 0,

    CONSTRAINT "call_user_rollups_daily_pkey" PRIMARY KEY ("day","app","user")
) WITH (fillfactor = 80);

CREATE TABLE "call_property_rollups_daily" (
    "day" TIMESTAMPTZ(3) NOT NULL,
    "property_key" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "app" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "calls" BIGINT NOT NULL DEFAULT 0,
    "unpriced_calls" BIGINT NOT NULL DEFAULT 0,
    "input_tokens" BIGINT NOT NULL DEFAULT 0,
    "cached_input_tokens" BIGINT NOT NULL DEFAULT 0,
    "cache_write_tokens" BIGINT NOT NULL DEFAULT 0,
    "output_tokens" BIGINT NOT NULL DEFAULT 0,
    "reasoning_tokens" BIGINT NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(38,16) NOT NULL DEFAULT 0,
    "fees_usd" DECIMAL(38,16) NOT NULL DEFAULT 0,

    CONSTRAINT "call_property_rollups_daily_pkey" PRIMARY KEY ("day","property_key","provider","app","model","outcome")
) WITH (fillfactor = 80);

CREATE TABLE "call_reconcile_daily" (
    "day" TIMESTAMPTZ(3) NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "held" BOOLEAN NOT NULL,
    "calls" BIGINT NOT NULL DEFAULT 0,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "unpriced_calls" BIGINT NOT NULL DEFAULT 0,
    "input_tokens" BIGINT NOT NULL DEFAULT 0,
    "cached_input_tokens" BIGINT NOT NULL DEFAULT 0,
    "cache_write_tokens" BIGINT NOT NULL DEFAULT 0,
    "cache_write_1h_tokens" BIGINT NOT NULL DEFAULT 0,
    "output_tokens" BIGINT NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(38,16) NOT NULL DEFAULT 0,
    "last_call" TIMESTAMPTZ(3) NOT NULL,
    "web_search_requests" BIGINT NOT NULL DEFAULT 0,
    "audio_input_tokens" BIGINT NOT NULL DEFAULT 0,
    "audio_output_tokens" BIGINT NOT NULL DEFAULT 0,
    "batch_input_tokens" BIGINT NOT NULL DEFAULT 0,
    "batch_output_tokens" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "call_reconcile_daily_pkey" PRIMARY KEY ("day","provider","model","held")
) WITH (fillfactor = 80);

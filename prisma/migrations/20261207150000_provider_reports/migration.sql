-- What the providers' own organisation reports say (OpenAI's usage and costs API, Anthropic's usage and cost
-- report), fetched with an admin key and kept apart from Tollgate's calls so the two can be compared. A fetch
-- replaces every row of the buckets it covers (DELETE + INSERT in one transaction), so re-fetching a day gives
-- exactly the provider's current figures. Dimensions a report does not give are '' (never NULL), so they can
-- take part in GROUP BYs and unique keys without NULL semantics.

-- Token usage per time bucket (a UTC day, or an hour when asked) × model × project / API key / workspace /
-- service tier / batch, as the provider reports it.
CREATE TABLE "provider_usage" (
    "provider" TEXT NOT NULL,
    -- '1d' or '1h'
    "bucket_width" TEXT NOT NULL,
    "bucket_start" TIMESTAMPTZ(3) NOT NULL,
    -- which report: 'completions' or 'embeddings' (OpenAI), 'messages' (Anthropic)
    "report" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "project_id" TEXT NOT NULL DEFAULT '',
    "api_key_id" TEXT NOT NULL DEFAULT '',
    "workspace_id" TEXT NOT NULL DEFAULT '',
    "service_tier" TEXT NOT NULL DEFAULT '',
    "batch" TEXT NOT NULL DEFAULT '',
    -- requests the provider counted; NULL when its report gives no count (Anthropic's)
    "requests" BIGINT,
    -- every input token, cached reads and cache writes included (Tollgate's input_tokens convention)
    "input_tokens" BIGINT NOT NULL DEFAULT 0,
    "cached_input_tokens" BIGINT NOT NULL DEFAULT 0,
    "cache_write_5m_tokens" BIGINT NOT NULL DEFAULT 0,
    "cache_write_1h_tokens" BIGINT NOT NULL DEFAULT 0,
    "output_tokens" BIGINT NOT NULL DEFAULT 0,
    "input_audio_tokens" BIGINT NOT NULL DEFAULT 0,
    "output_audio_tokens" BIGINT NOT NULL DEFAULT 0,
    "web_search_requests" BIGINT NOT NULL DEFAULT 0,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_usage_pkey" PRIMARY KEY ("provider","bucket_width","bucket_start","report","model","project_id","api_key_id","workspace_id","service_tier","batch")
);

-- Cost per UTC day × line item, in US dollars (Anthropic's cents converted exactly), as the provider reports it.
CREATE TABLE "provider_costs" (
    "provider" TEXT NOT NULL,
    "day" TIMESTAMPTZ(3) NOT NULL,
    -- OpenAI's line_item, Anthropic's description ('' when not given)
    "line_item" TEXT NOT NULL,
    -- the model the line item is for ('' for costs of no model)
    "model" TEXT NOT NULL DEFAULT '',
    "project_id" TEXT NOT NULL DEFAULT '',
    "workspace_id" TEXT NOT NULL DEFAULT '',
    "cost_type" TEXT NOT NULL DEFAULT '',
    "token_type" TEXT NOT NULL DEFAULT '',
    "service_tier" TEXT NOT NULL DEFAULT '',
    "context_window" TEXT NOT NULL DEFAULT '',
    "amount_usd" DECIMAL(38,16) NOT NULL,
    -- the currency the provider reported, lower-cased ('usd')
    "currency" TEXT NOT NULL,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_costs_pkey" PRIMARY KEY ("provider","day","line_item","model","project_id","workspace_id","cost_type","token_type","service_tier","context_window")
);

-- When each provider's day was last fetched, and whether the day had ended by then (a day fetched while it
-- was running, or right after, may still grow: the providers' reports lag by minutes to hours).
CREATE TABLE "provider_report_fetches" (
    "provider" TEXT NOT NULL,
    "day" TIMESTAMPTZ(3) NOT NULL,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL,
    "usage_rows" INTEGER NOT NULL,
    "cost_rows" INTEGER NOT NULL,
    -- hourly buckets fetched too
    "hourly" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "provider_report_fetches_pkey" PRIMARY KEY ("provider","day")
);

CREATE INDEX "provider_usage_provider_day_idx" ON "provider_usage" ("provider", "bucket_start");

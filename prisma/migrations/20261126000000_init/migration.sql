-- CreateTable
CREATE TABLE "calls" (
    "id" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "provider" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "model" TEXT,
    "response_model" TEXT,
    "deployment" TEXT,
    "app" TEXT NOT NULL,
    "user" TEXT,
    "properties" JSONB,
    "key_id" TEXT,
    "stream" BOOLEAN NOT NULL,
    "status" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "error_type" TEXT,
    "error_message" TEXT,
    "error_body" TEXT,
    "upstream_request_id" TEXT,
    "service_tier" TEXT,
    "input_tokens" INTEGER NOT NULL DEFAULT 0,
    "cached_input_tokens" INTEGER NOT NULL DEFAULT 0,
    "cache_write_tokens" INTEGER NOT NULL DEFAULT 0,
    "cache_write_1h_tokens" INTEGER NOT NULL DEFAULT 0,
    "output_tokens" INTEGER NOT NULL DEFAULT 0,
    "reasoning_tokens" INTEGER NOT NULL DEFAULT 0,
    "usage_source" TEXT NOT NULL,
    "cost_usd" DECIMAL(28,16),
    "price_id" TEXT,
    "priced" BOOLEAN NOT NULL,
    "latency_ms" DOUBLE PRECISION NOT NULL,
    "ttft_ms" DOUBLE PRECISION,
    "overhead_ms" DOUBLE PRECISION NOT NULL,
    "request_bytes" INTEGER NOT NULL,
    "response_bytes" INTEGER NOT NULL,
    "request_body" TEXT,
    "response_body" TEXT,

    CONSTRAINT "calls_pkey" PRIMARY KEY ("id","started_at")
);

-- CreateTable
CREATE TABLE "prices" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "match_type" TEXT NOT NULL DEFAULT 'exact',
    "service_tier" TEXT,
    "effective_from" TIMESTAMPTZ(3) NOT NULL,
    "input_usd_per_mtok" DECIMAL(20,10) NOT NULL,
    "cached_input_usd_per_mtok" DECIMAL(20,10),
    "cache_write_usd_per_mtok" DECIMAL(20,10),
    "cache_write_1h_usd_per_mtok" DECIMAL(20,10),
    "output_usd_per_mtok" DECIMAL(20,10) NOT NULL,
    "tiers" JSONB,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "prices_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "calls_started_at_idx" ON "calls"("started_at");

-- CreateIndex
CREATE INDEX "calls_app_started_at_idx" ON "calls"("app", "started_at");

-- CreateIndex
CREATE INDEX "calls_provider_model_started_at_idx" ON "calls"("provider", "model", "started_at");

-- CreateIndex
CREATE INDEX "prices_provider_model_idx" ON "prices"("provider", "model");

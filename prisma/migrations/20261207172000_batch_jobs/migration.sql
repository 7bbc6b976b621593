-- Batches created through Tollgate, remembered with who created them: their results, read later (perhaps
-- by another process), are recorded as that app's and key's calls.
CREATE TABLE "batch_jobs" (
    "id" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "app" TEXT NOT NULL,
    "user" TEXT,
    "key_id" TEXT,
    "properties" JSONB,
    "output_file_id" TEXT,
    "error_file_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "batch_jobs_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "batch_jobs_output_file_id_idx" ON "batch_jobs"("output_file_id");
CREATE INDEX "batch_jobs_error_file_id_idx" ON "batch_jobs"("error_file_id");

-- One row per batch result line recorded as a call (format:batch-or-file:custom_id), so results read twice
-- are recorded once.
CREATE TABLE "batch_results" (
    "key" TEXT NOT NULL,
    "call_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "batch_results_pkey" PRIMARY KEY ("key")
);

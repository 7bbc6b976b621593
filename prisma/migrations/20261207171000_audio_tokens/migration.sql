-- Audio input and output tokens (parts of input_tokens / output_tokens), priced at their own rates.
ALTER TABLE "calls" ADD COLUMN "audio_input_tokens" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "calls" ADD COLUMN "audio_output_tokens" BIGINT NOT NULL DEFAULT 0;

-- USD per 1M audio tokens; null = the text rate.
ALTER TABLE "prices" ADD COLUMN "input_audio_usd_per_mtok" DECIMAL(20,10);
ALTER TABLE "prices" ADD COLUMN "output_audio_usd_per_mtok" DECIMAL(20,10);

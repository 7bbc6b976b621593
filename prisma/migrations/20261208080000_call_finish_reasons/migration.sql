-- Why generation stopped, as the provider said it (OpenAI's finish_reason, Anthropic's stop_reason, Gemini's
-- finishReason, Ollama's done_reason, the Responses API's status or incomplete reason), one per choice.
-- On the partitioned "calls" table ADD COLUMN reaches every partition and the ones created later (LIKE
-- "calls"); a constant default is stored once in the catalog (Postgres 11+), so no partition is rewritten.
ALTER TABLE "calls" ADD COLUMN "finish_reasons" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

-- The prices page's unpriced models: calls that used tokens no price matched, counted by provider and
-- model over the whole table. With this partial index the count reads only those calls (index only; ≈2 % of
-- the seeded 10M) instead of every call (2 s at 10M). Inserts of priced calls never touch it.
CREATE INDEX "calls_unpriced_idx" ON "calls"("provider", "model", "started_at") WHERE "priced" = false AND "model" IS NOT NULL AND "usage_source" <> 'none';

-- A budget may refuse calls to models without a price ("block"), or let them through ("allow", as before).
ALTER TABLE "budgets" ADD COLUMN "unpriced" TEXT NOT NULL DEFAULT 'allow';

-- Calls of the month that used tokens but matched no price: spend the ledger cannot count, shown beside it.
ALTER TABLE "budget_spend" ADD COLUMN "unpriced_calls" BIGINT NOT NULL DEFAULT 0;

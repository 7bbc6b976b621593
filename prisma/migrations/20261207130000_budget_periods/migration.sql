-- A budget's period: the calendar month (default), the ISO week (Monday 00:00 UTC) or the UTC day. Its
-- ledger rows (budget_spend.month, budget_holds.month) then hold the period's key: "2026-12", "2026-W50" or
-- "2026-12-07". monthly_usd keeps its name and is the limit per period.
ALTER TABLE "budgets" ADD COLUMN "period" TEXT NOT NULL DEFAULT 'month';

-- The key of the period of `period` kind containing `t` (UTC); server/src/access/budget-period.ts computes
-- the same keys in Node.
CREATE FUNCTION tollgate_budget_period_key(period TEXT, t TIMESTAMPTZ) RETURNS TEXT
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE period
    WHEN 'day' THEN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD')
    WHEN 'week' THEN to_char(t AT TIME ZONE 'UTC', 'IYYY-"W"IW')
    ELSE to_char(t AT TIME ZONE 'UTC', 'YYYY-MM')
  END
$$;

-- Thresholds a budget crossed in a period (50, 80, 100 % of its limit; "forecast" when its projection passed
-- the limit). The primary key makes each one happen once per budget and period, whichever replica sees it.
CREATE TABLE "budget_notices" (
    "budget_id" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "app" TEXT NOT NULL,
    "limit_usd" DECIMAL(20,10) NOT NULL,
    "spent_usd" DECIMAL(28,16) NOT NULL,
    "forecast_usd" DECIMAL(28,16),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "budget_notices_pkey" PRIMARY KEY ("budget_id","period","kind")
);

ALTER TABLE "budget_notices" ADD CONSTRAINT "budget_notices_budget_id_fkey" FOREIGN KEY ("budget_id") REFERENCES "budgets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

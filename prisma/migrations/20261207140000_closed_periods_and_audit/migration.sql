-- Closed months: a month listed here is frozen (prices recompute refuses to change its calls' costs until it
-- is reopened). The month's totals at closing are kept so a statement can show they still hold.
CREATE TABLE "closed_periods" (
    "month" TEXT NOT NULL,
    "closed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "closed_by" TEXT NOT NULL,
    "reason" TEXT,
    "cost_usd" DECIMAL(28,16) NOT NULL,
    "calls" BIGINT NOT NULL,
    CONSTRAINT "closed_periods_pkey" PRIMARY KEY ("month")
);

-- Who changed prices, budgets and periods, and when: the dashboard session, an API token or the CLI (never a
-- secret), the request and its outcome.
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "detail" JSONB,
    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_log_at_idx" ON "audit_log" ("at");

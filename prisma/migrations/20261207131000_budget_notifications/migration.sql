-- Where budget notices are sent: a webhook POSTed Tollgate's JSON ("json") or a Slack-compatible {text} ("slack").
CREATE TABLE "budget_webhooks" (
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "format" TEXT NOT NULL DEFAULT 'json',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "budget_webhooks_pkey" PRIMARY KEY ("name")
);

-- The outbox: one row per notice and webhook, written with the notice (so once per period, whichever replica
-- saw it), claimed by one replica at a time (locked_until) and retried with backoff until delivered or failed.
CREATE TABLE "budget_notice_deliveries" (
    "budget_id" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "webhook" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "budget_notice_deliveries_pkey" PRIMARY KEY ("budget_id","period","kind","webhook")
);
CREATE INDEX "budget_notice_deliveries_due_idx" ON "budget_notice_deliveries"("next_attempt_at") WHERE "status" = 'pending';
ALTER TABLE "budget_notice_deliveries" ADD CONSTRAINT "budget_notice_deliveries_notice_fkey" FOREIGN KEY ("budget_id", "period", "kind") REFERENCES "budget_notices"("budget_id", "period", "kind") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "budget_notice_deliveries" ADD CONSTRAINT "budget_notice_deliveries_webhook_fkey" FOREIGN KEY ("webhook") REFERENCES "budget_webhooks"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every delivery attempt: its HTTP status (null when no answer) or error, for the Budgets page.
CREATE TABLE "budget_notice_attempts" (
    "id" BIGSERIAL NOT NULL,
    "budget_id" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "webhook" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status_code" INTEGER,
    "error" TEXT,
    "duration_ms" DOUBLE PRECISION NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "budget_notice_attempts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "budget_notice_attempts_at_idx" ON "budget_notice_attempts"("at");

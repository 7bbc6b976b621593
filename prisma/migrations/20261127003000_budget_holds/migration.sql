-- CreateTable
CREATE TABLE "budget_holds" (
    "call_id" UUID NOT NULL,
    "budget_id" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "amount_usd" DECIMAL(28,16) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "budget_holds_pkey" PRIMARY KEY ("call_id","budget_id")
);

-- CreateIndex
CREATE INDEX "budget_holds_created_at_idx" ON "budget_holds"("created_at");

-- AddForeignKey
ALTER TABLE "budget_holds" ADD CONSTRAINT "budget_holds_budget_id_month_fkey" FOREIGN KEY ("budget_id", "month") REFERENCES "budget_spend"("budget_id", "month") ON DELETE CASCADE ON UPDATE CASCADE;

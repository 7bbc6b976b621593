-- CreateTable
CREATE TABLE "virtual_keys" (
    "id" UUID NOT NULL,
    "app" TEXT NOT NULL,
    "provider" TEXT,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "virtual_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "settings" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "settings_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "budgets" (
    "id" TEXT NOT NULL,
    "app" TEXT NOT NULL,
    "key_id" UUID,
    "monthly_usd" DECIMAL(20,10) NOT NULL,
    "action" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "budgets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "budget_spend" (
    "budget_id" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "spent_usd" DECIMAL(28,16) NOT NULL DEFAULT 0,
    "reserved_usd" DECIMAL(28,16) NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "budget_spend_pkey" PRIMARY KEY ("budget_id","month")
);

-- CreateIndex
CREATE UNIQUE INDEX "virtual_keys_hash_key" ON "virtual_keys"("hash");

-- CreateIndex
CREATE INDEX "virtual_keys_app_idx" ON "virtual_keys"("app");

-- CreateIndex
CREATE INDEX "budgets_app_idx" ON "budgets"("app");

-- AddForeignKey
ALTER TABLE "budget_spend" ADD CONSTRAINT "budget_spend_budget_id_fkey" FOREIGN KEY ("budget_id") REFERENCES "budgets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

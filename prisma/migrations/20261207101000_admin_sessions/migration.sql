-- Dashboard sessions, so that logging out ends one for good: the SHA-256 of each session's random id (never
-- the id, never the admin token) and its expiry. A cookie whose row is gone is refused.
CREATE TABLE "admin_sessions" (
    "id_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "admin_sessions_pkey" PRIMARY KEY ("id_hash")
);

CREATE INDEX "admin_sessions_expires_at_idx" ON "admin_sessions"("expires_at");

-- The replica serving a call renews its holds while the call runs (a long stream keeps its reservation); the
-- sweep gives back only holds neither created nor renewed within the lease (their replica died).
ALTER TABLE "budget_holds" ADD COLUMN "renewed_at" TIMESTAMPTZ(3);

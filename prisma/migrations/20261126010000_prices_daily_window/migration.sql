-- AlterTable
ALTER TABLE "prices" ADD COLUMN     "daily_end_utc" TEXT,
ADD COLUMN     "daily_start_utc" TEXT;

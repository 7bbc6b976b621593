import type { PrismaClient } from "../db/client.ts";
import type { NoticeKind } from "./budget-notices.ts";

/** a delivery's state in the outbox (budget_notice_deliveries.status) */
type DeliveryStatus = "pending" | "delivered" | "failed";

export interface NoticeRow {
  budget_id: string;
  app: string;
  period: string;
  kind: NoticeKind;
  limit_usd: string;
  spent_usd: string;
  forecast_usd: string | null;
  created_at: Date;
  deliveries: Array<{
    webhook: string;
    status: DeliveryStatus;
    attempts: number;
    delivered_at: string | null;
    next_attempt_at: string;
  }> | null;
}

export interface AttemptRow {
  id: string;
  budget_id: string;
  period: string;
  kind: NoticeKind;
  webhook: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  at: Date;
}

/** The latest budget notices with their deliveries, and the latest delivery attempts. */
export async function latestNotices(db: PrismaClient, limit: number): Promise<{ notices: NoticeRow[]; attempts: AttemptRow[] }> {
  const [notices, attempts] = await Promise.all([
    db.$queryRaw<NoticeRow[]>`SELECT n.budget_id, n.app, n.period, n.kind, n.limit_usd::text AS limit_usd, n.spent_usd::text AS spent_usd,
              n.forecast_usd::text AS forecast_usd, n.created_at,
              (SELECT json_agg(json_build_object('webhook', d.webhook, 'status', d.status, 'attempts', d.attempts,
                               'delivered_at', d.delivered_at, 'next_attempt_at', d.next_attempt_at) ORDER BY d.webhook)
                 FROM budget_notice_deliveries d WHERE (d.budget_id, d.period, d.kind) = (n.budget_id, n.period, n.kind)) AS deliveries
         FROM budget_notices n ORDER BY n.created_at DESC, n.budget_id, n.kind LIMIT ${limit}`,
    db.$queryRaw<AttemptRow[]>`SELECT id::text, budget_id, period, kind, webhook, attempt, status_code, error, duration_ms, at
         FROM budget_notice_attempts ORDER BY at DESC, id DESC LIMIT ${limit}`,
  ]);
  return { notices, attempts };
}

import type { PrismaClient } from "../db/client.ts";
import { arrayLiteral } from "../db/array-literal.ts";
import type { BudgetAction, BudgetState } from "./budget-store.ts";

/** What a notice says: 50, 80 or 100 % of the limit spent, or the period's forecast passing the limit. */
export const NOTICE_KINDS = ["50", "80", "100", "forecast"] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface BudgetNotice {
  budgetId: string;
  app: string;
  /** the period's ledger key */
  period: string;
  kind: NoticeKind;
  action: BudgetAction;
  limitUsd: string;
  spentUsd: string;
  forecastUsd: string | null;
  createdAt: Date;
}

interface NoticeRow {
  budget_id: string;
  app: string;
  period: string;
  kind: NoticeKind;
  action: BudgetAction;
  limit_usd: string;
  spent_usd: string;
  forecast_usd: string | null;
  created_at: Date;
}

const notice = (r: NoticeRow): BudgetNotice => ({
  budgetId: r.budget_id,
  app: r.app,
  period: r.period,
  kind: r.kind,
  action: r.action,
  limitUsd: r.limit_usd,
  spentUsd: r.spent_usd,
  forecastUsd: r.forecast_usd,
  createdAt: r.created_at,
});

/**
 * Records the thresholds the budgets' current periods have crossed (spend at or over 50, 80, 100 % of a
 * limit above zero; a forecast over the limit, when `forecasts` gives one) and returns only the notices new
 * to the database: the primary key (budget, period, kind) makes each happen once per period, whichever
 * replica — or how many — saw it first. Each new notice is queued for every webhook in the same statement
 * (budget_notice_deliveries, the outbox notification-sender.ts delivers).
 */
export async function recordThresholds(
  prisma: PrismaClient,
  states: readonly BudgetState[],
  forecasts: ReadonlyMap<string, string> = new Map(),
): Promise<BudgetNotice[]> {
  if (states.length === 0) return [];
  const col = (get: (s: BudgetState) => unknown) => arrayLiteral(states, get);
  const rows = await prisma.$queryRaw<NoticeRow[]>`WITH st AS (
       SELECT * FROM unnest(${col((s) => s.id)}::text[], ${col((s) => s.periodKey)}::text[], ${col((s) => s.spentUsd)}::numeric[],
                            ${col((s) => forecasts.get(s.id) ?? null)}::numeric[]) AS st(budget_id, period, spent_usd, forecast_usd)
     ), crossed AS (
       SELECT b.id AS budget_id, st.period, k.kind, b.app, b.monthly_usd AS limit_usd, st.spent_usd, st.forecast_usd
         FROM st JOIN budgets b ON b.id = st.budget_id
        CROSS JOIN (VALUES ('50', 0.5), ('80', 0.8), ('100', 1.0), ('forecast', NULL)) AS k(kind, share)
        WHERE b.monthly_usd > 0
          AND CASE WHEN k.kind = 'forecast' THEN st.forecast_usd > b.monthly_usd ELSE st.spent_usd >= b.monthly_usd * k.share END
        ORDER BY 1, 2, 3
     ), inserted AS (
       INSERT INTO budget_notices (budget_id, period, kind, app, limit_usd, spent_usd, forecast_usd)
       SELECT budget_id, period, kind, app, limit_usd, spent_usd, forecast_usd FROM crossed
       ON CONFLICT DO NOTHING
       RETURNING budget_id, period, kind, app, limit_usd, spent_usd, forecast_usd, created_at
     ), queued AS (
       -- the outbox rows, in the same statement: a notice is queued for every webhook exactly when it is new
       INSERT INTO budget_notice_deliveries (budget_id, period, kind, webhook)
       SELECT i.budget_id, i.period, i.kind, w.name FROM inserted i CROSS JOIN budget_webhooks w
       ON CONFLICT DO NOTHING
     )
     SELECT i.budget_id, i.app, i.period, i.kind, b.action, i.limit_usd::text AS limit_usd, i.spent_usd::text AS spent_usd,
            i.forecast_usd::text AS forecast_usd, i.created_at
       FROM inserted i JOIN budgets b ON b.id = i.budget_id
      ORDER BY i.budget_id, i.period, i.kind`;
  return rows.map(notice);
}

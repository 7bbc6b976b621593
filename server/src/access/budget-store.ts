import type pg from "pg";
import { periodOf, type BudgetPeriod } from "../domain/budget-period.ts";
import { withLedgerResync } from "./budget-ledger.ts";

export const BUDGET_ACTIONS = ["block", "alert"] as const;
export type BudgetAction = (typeof BUDGET_ACTIONS)[number];
/** What a budget does with calls to models that have no price: let them through (default) or refuse them. */
export const UNPRICED_POLICIES = ["allow", "block"] as const;
export type UnpricedPolicy = (typeof UNPRICED_POLICIES)[number];

export interface BudgetRow {
  /** the scope: "app:<app>" or "key:<virtual key id>" */
  id: string;
  app: string;
  keyId: string | null;
  /** the limit per period (the column and the API's old name say monthly; it is per `period`) */
  monthlyUsd: string;
  action: BudgetAction;
  unpriced: UnpricedPolicy;
  period: BudgetPeriod;
}

export interface BudgetState extends BudgetRow {
  /** the current period's ledger key ("2026-12", "2026-W50", "2026-12-07") */
  periodKey: string;
  periodStart: Date;
  periodEnd: Date;
  spentUsd: string;
  reservedUsd: string;
  remainingUsd: string;
  /** calls this period that used tokens but matched no price: spend the ledger could not count */
  unpricedCalls: number;
}

export function budgetId(app: string, keyId: string | null): string {
  return keyId ? `key:${keyId}` : `app:${app}`;
}

/** The calendar month (UTC) a call counts in, "YYYY-MM". */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

interface Row {
  id: string;
  app: string;
  key_id: string | null;
  monthly_usd: string;
  action: BudgetAction;
  unpriced: UnpricedPolicy;
  period: BudgetPeriod;
}

const row = (r: Row): BudgetRow => ({
  id: r.id,
  app: r.app,
  keyId: r.key_id,
  monthlyUsd: r.monthly_usd,
  action: r.action,
  unpriced: r.unpriced,
  period: r.period,
});
const COLUMNS = `id, app, key_id, monthly_usd::text AS monthly_usd, action, unpriced, period`;

export async function loadBudgets(pool: pg.Pool): Promise<BudgetRow[]> {
  const { rows } = await pool.query<Row>(`SELECT ${COLUMNS} FROM budgets ORDER BY app, id`);
  return rows.map(row);
}

export type BudgetInput = Omit<BudgetRow, "id" | "unpriced" | "period"> & { unpriced?: UnpricedPolicy; period?: BudgetPeriod };

/**
 * Creates or replaces a budget. `unpriced` undefined keeps an existing budget's policy ("allow" for a new
 * one); an alert budget never blocks, so its policy is always "allow". `period` undefined keeps an existing
 * budget's ("month" for a new one). In the same transaction its current period's ledger is set from the calls
 * already made in it, so a budget created mid-month counts the month's spend so far.
 */
export async function upsertBudget(pool: pg.Pool, input: BudgetInput, nowMs = Date.now()): Promise<BudgetRow> {
  return withLedgerResync(pool, nowMs, async (client) => {
    const { rows } = await client.query<Row>(
      `INSERT INTO budgets (id, app, key_id, monthly_usd, action, unpriced, period)
            VALUES ($1, $2, $3, $4::numeric, $5, CASE WHEN $5 = 'alert' THEN 'allow' ELSE COALESCE($6, 'allow') END, COALESCE($7, 'month'))
       ON CONFLICT (id) DO UPDATE SET monthly_usd = EXCLUDED.monthly_usd, action = EXCLUDED.action,
              unpriced = CASE WHEN EXCLUDED.action = 'alert' THEN 'allow' ELSE COALESCE($6, budgets.unpriced) END,
              period = COALESCE($7, budgets.period), updated_at = now()
       RETURNING ${COLUMNS}`,
      [
        budgetId(input.app, input.keyId),
        input.app,
        input.keyId,
        input.monthlyUsd,
        input.action,
        input.unpriced ?? null,
        input.period ?? null,
      ],
    );
    const saved = row(rows[0]!);
    return { result: saved, budgets: [saved] };
  });
}

export async function deleteBudget(pool: pg.Pool, app: string, keyId: string | null): Promise<boolean> {
  const result = await pool.query(`DELETE FROM budgets WHERE id = $1 AND app = $2`, [budgetId(app, keyId), app]);
  return (result.rowCount ?? 0) > 0;
}

/** Every budget with its ledger for its period containing `nowMs` (zeros when nothing was spent yet). */
export async function budgetStates(pool: pg.Pool, nowMs: number): Promise<BudgetState[]> {
  const { rows } = await pool.query<Row & { spent: string; reserved: string; remaining: string; unpriced_calls: string }>(
    `SELECT b.id, b.app, b.key_id, b.monthly_usd::text AS monthly_usd, b.action, b.unpriced, b.period,
            COALESCE(s.spent_usd, 0)::text AS spent, COALESCE(s.reserved_usd, 0)::text AS reserved,
            COALESCE(s.unpriced_calls, 0)::text AS unpriced_calls,
            (b.monthly_usd - COALESCE(s.spent_usd, 0) - COALESCE(s.reserved_usd, 0))::text AS remaining
       FROM budgets b LEFT JOIN budget_spend s ON s.budget_id = b.id AND s.month = tollgate_budget_period_key(b.period, $1::timestamptz)
      ORDER BY b.app, b.id`,
    [new Date(nowMs)],
  );
  return rows.map((r) => {
    const span = periodOf(r.period, nowMs);
    return {
      ...row(r),
      periodKey: span.key,
      periodStart: span.start,
      periodEnd: span.end,
      spentUsd: r.spent,
      reservedUsd: r.reserved,
      remainingUsd: r.remaining,
      unpricedCalls: Number(r.unpriced_calls),
    };
  });
}

/** Creates the period's ledger row (idempotent), so reserve() has a row to update atomically. */
export async function ensureLedger(pool: pg.Pool, id: string, month: string): Promise<void> {
  await pool.query(`INSERT INTO budget_spend (budget_id, month) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [id, month]);
}

/**
 * Reserves `amount` for one call against a blocking budget in ONE statement: the row lock serialises
 * concurrent reservations from every replica, and the condition is re-checked against the latest row, so the
 * sum of settled spend and reservations never passes the limit. The same statement writes the call's hold,
 * so a reservation nobody settles can be swept later. False when the budget cannot take it (blocked).
 */
export async function reserve(pool: pg.Pool, id: string, month: string, amount: string, callId: string): Promise<boolean> {
  const result = await pool.query(
    `WITH reserved AS (
       UPDATE budget_spend s SET reserved_usd = s.reserved_usd + $3::numeric, updated_at = now()
         FROM budgets b
        WHERE s.budget_id = $1 AND s.month = $2 AND b.id = s.budget_id
          AND s.spent_usd + s.reserved_usd + $3::numeric <= b.monthly_usd
          AND s.spent_usd + s.reserved_usd < b.monthly_usd
        RETURNING s.budget_id, s.month)
     INSERT INTO budget_holds (call_id, budget_id, month, amount_usd) SELECT $4::uuid, budget_id, month, $3::numeric FROM reserved`,
    [id, month, amount, callId],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * Gives back one call's reservation (a call refused or cut before it was recorded) in one statement: its hold
 * is deleted and its amount released, once — the batch insert that counts the call's cost deletes the same
 * hold row (access/budget-ledger.ts), so whichever comes first releases it.
 */
export async function releaseHold(pool: pg.Pool, id: string, period: string, callId: string): Promise<void> {
  await pool.query(
    `WITH hold AS (DELETE FROM budget_holds WHERE call_id = $3::uuid AND budget_id = $1 RETURNING amount_usd)
     UPDATE budget_spend s SET reserved_usd = GREATEST(s.reserved_usd - (SELECT sum(amount_usd) FROM hold), 0), updated_at = now()
      WHERE s.budget_id = $1 AND s.month = $2 AND EXISTS (SELECT 1 FROM hold)`,
    [id, period, callId],
  );
}

/** The replica serving these calls is alive and they are still running: their holds' leases start again. */
export async function renewHolds(pool: pg.Pool, callIds: readonly string[]): Promise<number> {
  if (callIds.length === 0) return 0;
  const result = await pool.query(`UPDATE budget_holds SET renewed_at = now() WHERE call_id = ANY($1::uuid[])`, [callIds]);
  return result.rowCount ?? 0;
}

/**
 * Gives back the holds neither created nor renewed within `leaseMs` — calls whose replica died before
 * settling them — in one statement (a settlement racing it deletes the same hold row, so an amount is
 * released once). Returns the number of holds swept.
 */
export async function sweepStaleHolds(pool: pg.Pool, leaseMs: number): Promise<number> {
  const { rows } = await pool.query<{ holds: string }>(
    `WITH expired AS (
       DELETE FROM budget_holds WHERE COALESCE(renewed_at, created_at) < now() - make_interval(secs => $1::double precision / 1000)
       RETURNING budget_id, month, amount_usd),
     totals AS (SELECT budget_id, month, sum(amount_usd) AS total, count(*) AS holds FROM expired GROUP BY budget_id, month),
     released AS (
       UPDATE budget_spend s SET reserved_usd = GREATEST(s.reserved_usd - t.total, 0), updated_at = now()
         FROM totals t WHERE s.budget_id = t.budget_id AND s.month = t.month RETURNING t.holds)
     SELECT COALESCE(sum(holds), 0)::text AS holds FROM released`,
    [leaseMs],
  );
  return Number(rows[0]?.holds ?? 0);
}

import type pg from "pg";
import { arrayLiteral } from "../db/array-literal.ts";
import { LEDGER_LOCK } from "../rollups/budget-settlement.ts";
import { periodOf, periodOfKey, type BudgetPeriod } from "../domain/budget-period.ts";

// A budget ledger's resync: a period's row set from the rollups (a new budget, a period's first look, a
// recompute), under LEDGER_LOCK taken exclusively. How it orders with the batch insert's settlement, which
// adds each batch's costs, is told in rollups/budget-settlement.ts.

interface Target {
  budgetId: string;
  app: string;
  keyId: string | null;
  key: string;
  start: Date;
  end: Date;
}

// A period's spend of an app budget (daily rollups, a small table) or of a key budget (the key's calls: the
// rollups have no key; index calls(app, started_at)). Each is a plain aggregate over one table, with no
// correlation: over a distributed `calls` a multi-shard aggregate whose partial sums are merged.
const APP_SPEND_SQL = `SELECT coalesce(sum(cost_usd), 0)::text AS spent, coalesce(sum(unpriced_calls), 0)::text AS unpriced
    FROM call_rollups_daily WHERE app = $1 AND day >= $2 AND day < $3`;
const KEY_SPEND_SQL = `SELECT coalesce(sum(cost_usd), 0)::text AS spent, count(*) FILTER (WHERE NOT priced AND usage_source <> 'none')::text AS unpriced
    FROM calls WHERE app = $1 AND key_id = $2 AND started_at >= $3 AND started_at < $4`;

/**
 * Sets ledger rows to the spend of their periods: app budgets from the daily rollups (periods start at
 * midnight UTC), key budgets from the app's calls of the period; the sums are read first, then written with
 * one upsert from arrays, in key order. `client` must hold the exclusive ledger lock in its transaction.
 */
async function resyncTargets(client: pg.PoolClient, targets: readonly Target[]): Promise<void> {
  if (targets.length === 0) return;
  const sorted = [...targets].sort((a, b) => (a.budgetId === b.budgetId ? (a.key < b.key ? -1 : 1) : a.budgetId < b.budgetId ? -1 : 1));
  const sums: Array<{ spent: string; unpriced: string }> = [];
  for (const t of sorted) {
    const { rows } =
      t.keyId === null
        ? await client.query<{ spent: string; unpriced: string }>(APP_SPEND_SQL, [t.app, t.start, t.end])
        : await client.query<{ spent: string; unpriced: string }>(KEY_SPEND_SQL, [t.app, t.keyId, t.start, t.end]);
    sums.push(rows[0]!);
  }
  await client.query(
    `INSERT INTO budget_spend AS s (budget_id, month, spent_usd, unpriced_calls)
     SELECT budget_id, period, spent, unpriced
       FROM unnest($1::text[], $2::text[], $3::numeric[], $4::bigint[]) WITH ORDINALITY AS t(budget_id, period, spent, unpriced, n)
      ORDER BY n
     ON CONFLICT (budget_id, month) DO UPDATE SET spent_usd = EXCLUDED.spent_usd, unpriced_calls = EXCLUDED.unpriced_calls, updated_at = now()`,
    [
      arrayLiteral(sorted, (t) => t.budgetId),
      arrayLiteral(sorted, (t) => t.key),
      arrayLiteral(sums, (r) => r.spent),
      arrayLiteral(sums, (r) => r.unpriced),
    ],
  );
}

export interface LedgerBudget {
  id: string;
  app: string;
  keyId: string | null;
  period: BudgetPeriod;
}

/** The current period's target of a budget. */
function currentTarget(b: LedgerBudget, nowMs: number): Target {
  const span = periodOf(b.period, nowMs);
  return { budgetId: b.id, app: b.app, keyId: b.keyId, key: span.key, start: span.start, end: span.end };
}

/**
 * Runs `work` in a transaction holding the exclusive ledger lock, then resyncs the current period of each
 * budget it returns: a budget created or changed (limit, period) counts every call of its period, whenever
 * they were made.
 */
export async function withLedgerResync<T>(
  pool: pg.Pool,
  nowMs: number,
  work: (client: pg.PoolClient) => Promise<{ result: T; budgets: LedgerBudget[] }>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [LEDGER_LOCK]);
    const { result, budgets } = await work(client);
    await resyncTargets(
      client,
      budgets.map((b) => currentTarget(b, nowMs)),
    );
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

interface BudgetLedgerRow {
  id: string;
  app: string;
  key_id: string | null;
  period: BudgetPeriod;
  keys: string[] | null;
}

interface ResyncOptions {
  nowMs: number;
  from?: Date;
  to?: Date;
  current?: "missing" | "always";
}

async function resyncTargetsFor(db: pg.Pool | pg.PoolClient, options: ResyncOptions): Promise<Target[]> {
  const { rows } = await db.query<BudgetLedgerRow>(
    `SELECT b.id, b.app, b.key_id, b.period, array_agg(s.month) FILTER (WHERE s.month IS NOT NULL) AS keys
       FROM budgets b LEFT JOIN budget_spend s ON s.budget_id = b.id GROUP BY b.id ORDER BY b.id`,
  );
  const targets: Target[] = [];
  for (const r of rows) {
    const current = currentTarget({ id: r.id, app: r.app, keyId: r.key_id, period: r.period }, options.nowMs);
    const keys = new Set(r.keys ?? []);
    const withCurrent = options.current === "always" || (options.current === "missing" && !keys.has(current.key));
    if (withCurrent) targets.push(current);
    if (!options.from || !options.to) continue;
    for (const key of keys) {
      const span = periodOfKey(key);
      if (!span || (withCurrent && key === current.key)) continue;
      if (span.start < options.to && span.end > options.from)
        targets.push({ budgetId: r.id, app: r.app, keyId: r.key_id, key, start: span.start, end: span.end });
    }
  }
  return targets;
}

/**
 * Resyncs ledgers after calls changed in place or when a period begins: the rows of every period that
 * overlaps [from, to) (when given), and each budget's current period when its row is missing (`missing`:
 * a period's first look) or always (`always`). Takes the exclusive lock only when there is something to set.
 * Returns how many rows were set.
 */
export async function resyncLedgers(pool: pg.Pool, options: ResyncOptions): Promise<number> {
  if ((await resyncTargetsFor(pool, options)).length === 0) return 0;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [LEDGER_LOCK]);
    const targets = await resyncTargetsFor(client, options);
    await resyncTargets(client, targets);
    await client.query("COMMIT");
    return targets.length;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

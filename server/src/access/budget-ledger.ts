import type pg from "pg";
import { arrayLiteral } from "../db/array-literal.ts";
import type { CallRecord } from "../domain/call-record.ts";
import { periodOf, periodOfKey, type BudgetPeriod } from "../domain/budget-period.ts";

/**
 * Budget ledgers (budget_spend) hold exactly the cost of the calls in the `calls` table, like the rollups the
 * Spend report reads: the batch insert adds its calls' costs in its own transaction (settleRecordedCalls), and
 * a resync sets a period's row from the rollups (a new budget, a period's first look, a recompute). This
 * advisory lock orders the two: every batch takes it shared just before its ledger statement and holds it to
 * its commit; a resync takes it exclusively. So a resync's sum counts each batch either already committed
 * (and the batch's statement saw the ledger before the resync set it) or not at all (and the batch, running
 * after, adds its calls to the row the resync set) — never twice, never missed.
 */
const LEDGER_LOCK = 72657401;

// Each call's cost goes to the ledger row of every budget over it (its app's, its key's) for the period of
// that budget containing its start; the holds the calls reserved are released in the same transaction, so a
// call's estimate is given back exactly when its cost is counted. Three statements, none with a subquery
// inside the INSERT (a distributed Postgres refuses those): the batch's holds are locked first (holds before
// ledger rows, the order the release and the lease sweep take them); the upsert adds the spend to every row
// the batch touches — the held ones included, with zero spend — in key order (the batch inserts lock them in
// the same order, so two cannot deadlock); then the holds are deleted and their amounts released from rows
// this transaction already holds.
const LOCK_HOLDS_SQL = `SELECT 1 FROM budget_holds WHERE call_id = ANY($1::uuid[]) ORDER BY call_id, budget_id FOR UPDATE`;

const SPEND_SQL = `WITH batch AS (
    SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::numeric[], $6::bool[])
      AS c(id, started_at, app, key_id, cost_usd, unpriced)
  ), scoped AS (
    SELECT b.id AS budget_id, tollgate_budget_period_key(b.period, c.started_at) AS period, c.cost_usd, c.unpriced
      FROM batch c JOIN budgets b ON (b.key_id IS NULL AND b.app = c.app) OR b.key_id::text = c.key_id
  ), held AS (
    SELECT h.budget_id, h.month AS period FROM budget_holds h WHERE h.call_id = ANY($1::uuid[])
  ), deltas AS (
    SELECT budget_id, period, sum(spent) AS spent, sum(unpriced)::bigint AS unpriced
      FROM (SELECT budget_id, period, coalesce(cost_usd, 0) AS spent, unpriced::int AS unpriced FROM scoped
            UNION ALL SELECT budget_id, period, 0, 0 FROM held) d
     GROUP BY budget_id, period
  )
  INSERT INTO budget_spend AS s (budget_id, month, spent_usd, unpriced_calls)
  SELECT budget_id, period, spent, unpriced FROM deltas ORDER BY budget_id, period
  ON CONFLICT (budget_id, month) DO UPDATE SET
    spent_usd = s.spent_usd + EXCLUDED.spent_usd, unpriced_calls = s.unpriced_calls + EXCLUDED.unpriced_calls, updated_at = now()`;

// Like the lease sweep: one statement over reference tables, the modifying CTE feeding a plain UPDATE.
const RELEASE_SQL = `WITH released AS (
    DELETE FROM budget_holds WHERE call_id = ANY($1::uuid[]) RETURNING budget_id, month, amount_usd
  ), totals AS (SELECT budget_id, month, sum(amount_usd) AS total FROM released GROUP BY budget_id, month)
  UPDATE budget_spend s SET reserved_usd = GREATEST(s.reserved_usd - t.total, 0), updated_at = now()
    FROM totals t WHERE s.budget_id = t.budget_id AND s.month = t.month`;

// Whether any ledger could change: a budget to count calls in, or a hold to release. Run after the shared
// lock, as its own statement, so its snapshot is taken after the lock: a budget whose resync ran before the
// lock was granted is seen (and the batch counted), and one created later is resynced after this commit.
const ANY_LEDGER_SQL = `SELECT EXISTS (SELECT 1 FROM budgets) OR EXISTS (SELECT 1 FROM budget_holds) AS "any"`;

/** The batch's columns as array literals, when the caller has them already (the calls insert does). */
export interface SettleColumns {
  id: string;
  startedAt: string;
  app: string;
  keyId: string;
  costUsd: string;
}

/**
 * Counts a batch of just-inserted calls in their budgets' ledgers, inside the batch insert's transaction
 * (`client` has BEGIN open). Unpriced: tokens used, no price matched (the rollups' definition). Without any
 * budget or hold (most deployments) the statement is skipped: one EXISTS instead of unnesting six arrays.
 */
export async function settleRecordedCalls(
  client: pg.Pool | pg.PoolClient,
  records: readonly CallRecord[],
  columns?: SettleColumns,
): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock_shared($1)", [LEDGER_LOCK]);
  const { rows } = await client.query<{ any: boolean }>(ANY_LEDGER_SQL);
  if (rows[0]?.any !== true) return;
  const ids = columns?.id ?? arrayLiteral(records, (r) => r.id);
  const held = await client.query(LOCK_HOLDS_SQL, [ids]);
  await client.query(SPEND_SQL, [
    ids,
    columns?.startedAt ?? arrayLiteral(records, (r) => r.startedAt),
    columns?.app ?? arrayLiteral(records, (r) => r.app),
    columns?.keyId ?? arrayLiteral(records, (r) => r.keyId),
    columns?.costUsd ?? arrayLiteral(records, (r) => r.costUsd),
    arrayLiteral(records, (r) => !r.priced && r.usageSource !== "none"),
  ]);
  if ((held.rowCount ?? 0) > 0) await client.query(RELEASE_SQL, [ids]);
}

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

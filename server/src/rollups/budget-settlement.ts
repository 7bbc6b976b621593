import type pg from "pg";
import { arrayLiteral } from "../db/array-literal.ts";
import type { CallRecord } from "../domain/call-record.ts";

/**
 * Budget ledgers (budget_spend) hold exactly the cost of the calls in the `calls` table, like the rollups the
 * Spend report reads: the batch insert adds its calls' costs in its own transaction (settleRecordedCalls), and
 * a resync sets a period's row from the rollups (a new budget, a period's first look, a recompute). This
 * advisory lock orders the two: every batch takes it shared just before its ledger statement and holds it to
 * its commit; a resync takes it exclusively. So a resync's sum counts each batch either already committed
 * (and the batch's statement saw the ledger before the resync set it) or not at all (and the batch, running
 * after, adds its calls to the row the resync set) — never twice, never missed.
 */
export const LEDGER_LOCK = 72657401;

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

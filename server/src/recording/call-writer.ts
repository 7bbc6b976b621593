import type pg from "pg";
import { settleRecordedCalls, type SettleColumns } from "../rollups/budget-settlement.ts";
import { arrayLiteral, textArrayLiteral } from "../db/array-literal.ts";
import { insertIsolatingBadRows } from "./bad-rows.ts";
import type { CallRecord } from "../domain/call-record.ts";
import { errorDeltaParams, errorDeltas, UPSERT_ERRORS_DAILY, UPSERT_ERRORS_HOURLY } from "../rollups/error-rollup-deltas.ts";
import { latencyDeltaParams, latencyDeltas, UPSERT_LATENCY_DAILY, UPSERT_LATENCY_HOURLY } from "../rollups/latency-rollup-deltas.ts";
import { deltaParams, rollupDeltas, UPSERT_DAILY, UPSERT_HOURLY } from "../rollups/rollup-deltas.ts";
import { DailyRollupAccumulator } from "../rollups/daily-rollup-deltas.ts";
import { upsertDailyRollups } from "../rollups/daily-rollup-upserts.ts";

/** Column, Postgres array type, and how a record supplies it — one list keeps the insert in step. */
const COLUMNS: ReadonlyArray<readonly [string, string, (r: CallRecord) => unknown]> = [
  ["id", "uuid", (r) => r.id],
  ["started_at", "timestamptz", (r) => r.startedAt],
  ["provider", "text", (r) => r.provider],
  ["endpoint", "text", (r) => r.endpoint],
  ["model", "text", (r) => r.model],
  ["response_model", "text", (r) => r.responseModel],
  ["deployment", "text", (r) => r.deployment],
  ["app", "text", (r) => r.app],
  ["user", "text", (r) => r.user],
  ["properties", "jsonb", (r) => (r.properties ? JSON.stringify(r.properties) : null)],
  ["key_id", "text", (r) => r.keyId],
  ["stream", "bool", (r) => r.stream],
  ["status", "int4", (r) => r.status],
  ["outcome", "text", (r) => r.outcome],
  ["error_type", "text", (r) => r.errorType],
  ["error_message", "text", (r) => r.errorMessage],
  ["error_body", "text", (r) => r.errorBody],
  ["upstream_request_id", "text", (r) => r.upstreamRequestId],
  ["service_tier", "text", (r) => r.serviceTier],
  ["input_tokens", "int8", (r) => r.inputTokens],
  ["cached_input_tokens", "int8", (r) => r.cachedInputTokens],
  ["cache_write_tokens", "int8", (r) => r.cacheWriteTokens],
  ["cache_write_1h_tokens", "int8", (r) => r.cacheWrite1hTokens],
  ["output_tokens", "int8", (r) => r.outputTokens],
  ["reasoning_tokens", "int8", (r) => r.reasoningTokens],
  ["audio_input_tokens", "int8", (r) => r.audioInputTokens ?? 0],
  ["audio_output_tokens", "int8", (r) => r.audioOutputTokens ?? 0],
  ["usage_source", "text", (r) => r.usageSource],
  ["usage_clamped", "bool", (r) => r.usageClamped === true],
  ["cost_usd", "numeric", (r) => r.costUsd],
  ["fees", "jsonb", (r) => (r.fees ? JSON.stringify(r.fees) : null)],
  ["fees_usd", "numeric", (r) => r.feesUsd ?? null],
  ["price_id", "text", (r) => r.priceId],
  ["priced", "bool", (r) => r.priced],
  ["latency_ms", "float8", (r) => r.latencyMs],
  ["ttft_ms", "float8", (r) => r.ttftMs],
  ["overhead_ms", "float8", (r) => r.overheadMs],
  ["request_bytes", "int4", (r) => r.requestBytes],
  ["response_bytes", "int4", (r) => r.responseBytes],
  ["request_body", "text", (r) => r.requestBody],
  ["response_body", "text", (r) => r.responseBody],
  ["session_id", "text", (r) => r.sessionId ?? null],
  ["trace_id", "text", (r) => r.traceId ?? null],
  ["parent_span_id", "text", (r) => r.parentSpanId ?? null],
  // A list per call: each travels as its own array literal in a text[] (unnest flattens a text[][]) and is
  // cast back in the SELECT.
  ["finish_reasons", "text[]", (r) => textArrayLiteral(r.finishReasons)],
];

// The calls insert: a replayed call is skipped by ON CONFLICT DO NOTHING. It returns the ids it inserted,
// so the rollups count exactly the rows inserted.
// A plain INSERT … SELECT … RETURNING, not a data-modifying CTE: Citus, with `calls` distributed by id, runs
// this form (routed per row through the coordinator) but restricts modifying CTEs across shards.
const INSERT_SQL =
  `INSERT INTO calls (${COLUMNS.map(([c]) => `"${c}"`).join(", ")}) ` +
  `SELECT ${COLUMNS.map(([, t], i) => (t.endsWith("[]") ? `c${i}::${t}` : `c${i}`)).join(", ")} ` +
  `FROM unnest(${COLUMNS.map(([, t], i) => `$${i + 1}::${t.endsWith("[]") ? "text" : t}[]`).join(", ")}) AS u(${COLUMNS.map((_, i) => `c${i}`).join(", ")}) ` +
  `ON CONFLICT DO NOTHING RETURNING id::text AS id`;

type Queryable = pg.Pool | pg.PoolClient;

const at = (name: string): number => COLUMNS.findIndex(([c]) => c === name);
const SETTLE_AT = { id: at("id"), startedAt: at("started_at"), app: at("app"), keyId: at("key_id"), costUsd: at("cost_usd") };

function settleColumns(columns: readonly string[]): SettleColumns {
  return {
    id: columns[SETTLE_AT.id] as string,
    startedAt: columns[SETTLE_AT.startedAt] as string,
    app: columns[SETTLE_AT.app] as string,
    keyId: columns[SETTLE_AT.keyId] as string,
    costUsd: columns[SETTLE_AT.costUsd] as string,
  };
}

async function insertAndRollUp(client: Queryable, records: readonly CallRecord[]): Promise<number> {
  // Each column as one array literal string (array-literal.ts: about half the Node CPU of letting pg encode JS arrays).
  const columns: string[] = COLUMNS.map(([, , get]) => arrayLiteral(records, get));
  const result = await client.query<{ id: string }>(INSERT_SQL, columns);
  const inserted = result.rows.length;
  if (inserted === 0) return 0;
  let kept = records;
  if (inserted < records.length) {
    const insertedIds = new Set(result.rows.map((r) => r.id));
    // Each inserted id once: a call twice in the same batch is inserted (and counted) once.
    kept = records.filter((r) => insertedIds.delete(r.id.toLowerCase()));
  }
  const { hourly, daily } = rollupDeltas(kept);
  const latency = latencyDeltas(hourly);
  const errors = errorDeltas(kept);
  // Table by table in this order, each in key order: every writer locks rollup rows in the same order.
  await client.query(UPSERT_HOURLY, deltaParams(hourly));
  await client.query(UPSERT_DAILY, deltaParams(daily));
  await client.query(UPSERT_LATENCY_HOURLY, latencyDeltaParams(latency.hourly));
  await client.query(UPSERT_LATENCY_DAILY, latencyDeltaParams(latency.daily));
  if (errors.hourly.length > 0) {
    await client.query(UPSERT_ERRORS_HOURLY, errorDeltaParams(errors.hourly));
    await client.query(UPSERT_ERRORS_DAILY, errorDeltaParams(errors.daily));
  }
  // The daily rollups per user, per request property and for the reconciliation.
  await upsertDailyRollups((sql, params) => client.query(sql, params), new DailyRollupAccumulator().add(kept));
  // Last: budget ledgers count what the rollups now count (their lock must come after the rows it covers).
  // The insert's own literals serve when every call was inserted.
  await settleRecordedCalls(client, kept, kept === records ? settleColumns(columns) : undefined);
  return inserted;
}

/**
 * Inserts a batch of calls with one statement (one array parameter per column: far faster than a
 * multi-row VALUES list or createMany), then adds the calls it inserted to call_rollups_hourly and
 * call_rollups_daily, to the outcome-less latency rollups, to the error rollups and to the daily rollups per user, per
 * property and for the reconciliation (daily-rollup-deltas.ts): the batch's rollup
 * deltas are aggregated here (rollup-deltas.ts, latency-rollup-deltas.ts, error-rollup-deltas.ts) and
 * upserted as a few hundred rows, and adds the calls' costs to their budgets' ledgers, all in one transaction. Idempotent by call id, so a replayed batch never duplicates a
 * call nor its rollup figures. Given a pool it runs its own transaction, and a batch Postgres refuses for
 * its data is split to find the bad rows, each then recorded repaired (recording/bad-rows.ts); given a
 * client it runs in the client's (wrap the call in BEGIN/COMMIT). Returns the number of rows inserted.
 */
export async function insertCalls(client: Queryable, records: readonly CallRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  if (!("totalCount" in client)) return insertAndRollUp(client, records);
  return insertIsolatingBadRows(records, (batch) => insertInTransaction(client, batch));
}

async function insertInTransaction(client: pg.Pool, records: readonly CallRecord[]): Promise<number> {
  const conn = await client.connect();
  try {
    await conn.query("BEGIN");
    const inserted = await insertAndRollUp(conn, records);
    await conn.query("COMMIT");
    conn.release();
    return inserted;
  } catch (err) {
    // A connection that cannot even roll back (Postgres went away) is dropped, not returned to the pool.
    const broken = await conn.query("ROLLBACK").then(
      () => false,
      () => true,
    );
    conn.release(broken ? (err as Error) : undefined);
    throw err;
  }
}

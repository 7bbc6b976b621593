import type pg from "pg";
import type { CallRecord } from "./call-record.ts";
import { ROLLUP_LEVELS, ROLLUP_SOURCE_COLUMNS, rollupCtes, rollupUpsert } from "./rollup-sql.ts";

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
  ["input_tokens", "int4", (r) => r.inputTokens],
  ["cached_input_tokens", "int4", (r) => r.cachedInputTokens],
  ["cache_write_tokens", "int4", (r) => r.cacheWriteTokens],
  ["cache_write_1h_tokens", "int4", (r) => r.cacheWrite1hTokens],
  ["output_tokens", "int4", (r) => r.outputTokens],
  ["reasoning_tokens", "int4", (r) => r.reasoningTokens],
  ["usage_source", "text", (r) => r.usageSource],
  ["cost_usd", "numeric", (r) => r.costUsd],
  ["price_id", "text", (r) => r.priceId],
  ["priced", "bool", (r) => r.priced],
  ["latency_ms", "float8", (r) => r.latencyMs],
  ["ttft_ms", "float8", (r) => r.ttftMs],
  ["overhead_ms", "float8", (r) => r.overheadMs],
  ["request_bytes", "int4", (r) => r.requestBytes],
  ["response_bytes", "int4", (r) => r.responseBytes],
  ["request_body", "text", (r) => r.requestBody],
  ["response_body", "text", (r) => r.responseBody],
];

// The calls insert and the hourly rollups of exactly the rows it inserted, in one statement: a replayed
// call is skipped by ON CONFLICT DO NOTHING, so it is absent from RETURNING and never counted twice.
const INSERT_SQL =
  `WITH inserted AS (INSERT INTO calls (${COLUMNS.map(([c]) => `"${c}"`).join(", ")}) ` +
  `SELECT * FROM unnest(${COLUMNS.map(([, t], i) => `$${i + 1}::${t}[]`).join(", ")}) ` +
  `ON CONFLICT DO NOTHING RETURNING ${ROLLUP_SOURCE_COLUMNS}), ` +
  `${rollupCtes("inserted")}, upserted_hours AS (${rollupUpsert(ROLLUP_LEVELS[0])}), ` +
  `upserted_days AS (${rollupUpsert(ROLLUP_LEVELS[1])}) ` +
  `SELECT count(*)::int AS inserted FROM inserted`;

/**
 * Inserts a batch of calls with one statement (one array parameter per column: far faster than a
 * multi-row VALUES list or createMany) and adds them to call_rollups_hourly and call_rollups_daily in the same statement.
 * Idempotent by call id, so a replayed batch never duplicates a call nor its rollup figures.
 * Returns the number of rows actually inserted.
 */
export async function insertCalls(client: pg.Pool | pg.PoolClient, records: readonly CallRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const columns: unknown[][] = COLUMNS.map(() => new Array(records.length));
  for (let r = 0; r < records.length; r++) {
    const record = records[r] as CallRecord;
    for (let c = 0; c < COLUMNS.length; c++) (columns[c] as unknown[])[r] = (COLUMNS[c] as (typeof COLUMNS)[number])[2](record);
  }
  const result = await client.query<{ inserted: number }>(INSERT_SQL, columns);
  return result.rows[0]?.inserted ?? 0;
}

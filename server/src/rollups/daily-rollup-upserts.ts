import { arrayLiteral } from "../db/array-literal.ts";
import { formatDecimal } from "../lib/decimal.ts";
import type { DailyRollupAccumulator, PropertyDelta, ReconcileDelta, UserDelta } from "./daily-rollup-deltas.ts";

// The daily rollups' upserts: each table's columns as one list of (column, Postgres type, how a delta supplies
// it), from which both the statement and its array parameters are built, so the two cannot drift apart.

type Column<D> = readonly [name: string, type: string, get: (d: D) => unknown];

/** The spend figures the user and property rollups share (what a spend report adds up). */
const SUMS: ReadonlyArray<Column<UserDelta | PropertyDelta>> = [
  ["calls", "int8", (d) => d.calls],
  ["unpriced_calls", "int8", (d) => d.unpricedCalls],
  ["input_tokens", "int8", (d) => d.inputTokens],
  ["cached_input_tokens", "int8", (d) => d.cachedInputTokens],
  ["cache_write_tokens", "int8", (d) => d.cacheWriteTokens],
  ["output_tokens", "int8", (d) => d.outputTokens],
  ["reasoning_tokens", "int8", (d) => d.reasoningTokens],
  ["cost_usd", "numeric", (d) => formatDecimal(d.costUsd)],
  ["fees_usd", "numeric", (d) => formatDecimal(d.feesUsd)],
];

/** The day of each row as its ISO text, formatted once per day (a batch's rows share one or two days). */
function days(): (d: { at: number }) => string {
  const iso = new Map<number, string>();
  return (d) => {
    let s = iso.get(d.at);
    if (s === undefined) iso.set(d.at, (s = new Date(d.at).toISOString()));
    return s;
  };
}

const DAY: Column<{ at: number }> = ["day", "timestamptz", (d) => new Date(d.at).toISOString()];

const USER_COLUMNS: ReadonlyArray<Column<UserDelta>> = [DAY, ["app", "text", (d) => d.app], ["user", "text", (d) => d.user], ...SUMS];

const PROPERTY_COLUMNS: ReadonlyArray<Column<PropertyDelta>> = [
  DAY,
  ["property_key", "text", (d) => d.propertyKey],
  ["provider", "text", (d) => d.provider],
  ["app", "text", (d) => d.app],
  ["model", "text", (d) => d.model],
  ["outcome", "text", (d) => d.outcome],
  ["name", "text", (d) => d.name],
  ["value", "text", (d) => d.value],
  ...SUMS,
];

const RECONCILE_SUMS: ReadonlyArray<Column<ReconcileDelta>> = [
  ["calls", "int8", (d) => d.calls],
  ["requests", "int8", (d) => d.requests],
  ["unpriced_calls", "int8", (d) => d.unpricedCalls],
  ["input_tokens", "int8", (d) => d.inputTokens],
  ["cached_input_tokens", "int8", (d) => d.cachedInputTokens],
  ["cache_write_tokens", "int8", (d) => d.cacheWriteTokens],
  ["cache_write_1h_tokens", "int8", (d) => d.cacheWrite1hTokens],
  ["output_tokens", "int8", (d) => d.outputTokens],
  ["cost_usd", "numeric", (d) => formatDecimal(d.costUsd)],
  ["web_search_requests", "int8", (d) => d.webSearchRequests],
  ["audio_input_tokens", "int8", (d) => d.audioInputTokens],
  ["audio_output_tokens", "int8", (d) => d.audioOutputTokens],
  ["batch_input_tokens", "int8", (d) => d.batchInputTokens],
  ["batch_output_tokens", "int8", (d) => d.batchOutputTokens],
];

const RECONCILE_COLUMNS: ReadonlyArray<Column<ReconcileDelta>> = [
  DAY,
  ["provider", "text", (d) => d.provider],
  ["model", "text", (d) => d.model],
  ["held", "bool", (d) => d.held],
  ...RECONCILE_SUMS,
  ["last_call", "timestamptz", (d) => new Date(d.lastCall)],
];

const names = (columns: ReadonlyArray<Column<never>>): string[] => columns.map(([c]) => c);

/**
 * An upsert of rows given as one array parameter per column, in the given order (WITH ORDINALITY … ORDER
 * BY: the lock order), adding `added` columns to an existing row and keeping the later of `latest` ones.
 */
function upsertSql<D>(
  table: string,
  columns: ReadonlyArray<Column<D>>,
  key: readonly string[],
  added: readonly string[],
  latest: readonly string[] = [],
): string {
  const quoted = (c: string) => `"${c}"`;
  const args = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ");
  const aliases = columns.map((_, i) => `c${i}`).join(", ");
  const set = [
    ...added.map((c) => `${quoted(c)} = ${table}.${quoted(c)} + EXCLUDED.${quoted(c)}`),
    ...latest.map((c) => `${quoted(c)} = greatest(${table}.${quoted(c)}, EXCLUDED.${quoted(c)})`),
  ];
  return `INSERT INTO ${table} (${columns.map(([c]) => quoted(c)).join(", ")})
    SELECT ${aliases} FROM unnest(${args}) WITH ORDINALITY AS d(${aliases}, i) ORDER BY i
  ON CONFLICT (${key.map(quoted).join(", ")}) DO UPDATE SET ${set.join(", ")}`;
}

/** The rows' array parameters, column by column; the day's text formatted once per day. */
function params<D extends { at: number }>(columns: ReadonlyArray<Column<D>>, rows: readonly D[]): string[] {
  return columns.map((column) => arrayLiteral(rows, column === DAY ? days() : column[2]));
}

const UPSERT_USERS_DAILY = upsertSql("call_user_rollups_daily", USER_COLUMNS, ["day", "app", "user"], names(SUMS));

const UPSERT_PROPERTIES_DAILY = upsertSql(
  "call_property_rollups_daily",
  PROPERTY_COLUMNS,
  ["day", "property_key", "provider", "app", "model", "outcome"],
  names(SUMS),
);

const UPSERT_RECONCILE_DAILY = upsertSql(
  "call_reconcile_daily",
  RECONCILE_COLUMNS,
  ["day", "provider", "model", "held"],
  names(RECONCILE_SUMS),
  ["last_call"],
);

/** Upserts the deltas (users, properties, reconciliation: the order every writer takes). */
export async function upsertDailyRollups(
  query: (sql: string, params: string[]) => Promise<unknown>,
  acc: DailyRollupAccumulator,
): Promise<void> {
  const { users, properties, reconcile } = acc.deltas();
  if (users.length > 0) await query(UPSERT_USERS_DAILY, params(USER_COLUMNS, users));
  if (properties.length > 0) await query(UPSERT_PROPERTIES_DAILY, params(PROPERTY_COLUMNS, properties));
  if (reconcile.length > 0) await query(UPSERT_RECONCILE_DAILY, params(RECONCILE_COLUMNS, reconcile));
}

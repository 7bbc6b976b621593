import type { CallRecord } from "../domain/call-record.ts";
import { add, formatDecimal, parseDecimal, ZERO, type Decimal } from "../lib/decimal.ts";
import { addToHistogram, bucketOf, type Histogram } from "./latency-histogram.ts";
import { ROLLUP_LEVELS, type RollupLevel } from "./rollup-sql.ts";

/**
 * A batch's contribution to the rollups, aggregated in the recorder's process: one delta per key (hour or
 * day, provider, app, model, outcome), so Postgres upserts a few hundred small rows per batch instead of
 * aggregating every call again inside the insert statement. A rebuild after calls changed in place
 * (rollup-rebuild.ts) folds the calls it reads back with the same code: the same sums, the same histogram
 * buckets (tollgate_latency_bucket in SQL), model '' for calls without one.
 */
export interface RollupDelta {
  at: number;
  provider: string;
  app: string;
  model: string;
  outcome: string;
  calls: number;
  unpricedCalls: number;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: Decimal;
  /** the fees' part of costUsd */
  feesUsd: Decimal;
  latencyMsSum: number;
  ttftMsSum: number;
  ttftCount: number;
  latencyHist: Histogram;
  ttftHist: Histogram;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** calls.cost_usd is NUMERIC(28,16): Postgres stores a cost rounded to 16 places, half away from zero. */
const COST_SCALE = 16;

function storedCost(text: string): Decimal {
  const d = parseDecimal(text);
  if (d.scale <= COST_SCALE) return d;
  const divisor = 10n ** BigInt(d.scale - COST_SCALE);
  const quotient = d.units / divisor;
  const remainder = d.units % divisor;
  const up = (remainder < 0n ? -remainder : remainder) * 2n >= divisor;
  return { units: up ? quotient + (d.units < 0n ? -1n : 1n) : quotient, scale: COST_SCALE };
}

function emptyDelta(at: number, provider: string, app: string, model: string, outcome: string): RollupDelta {
  return {
    at,
    provider,
    app,
    model,
    outcome,
    calls: 0,
    unpricedCalls: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    costUsd: ZERO,
    feesUsd: ZERO,
    latencyMsSum: 0,
    ttftMsSum: 0,
    ttftCount: 0,
    latencyHist: new Map(),
    ttftHist: new Map(),
  };
}

function addDelta(into: RollupDelta, d: RollupDelta): void {
  into.calls += d.calls;
  into.unpricedCalls += d.unpricedCalls;
  into.inputTokens += d.inputTokens;
  into.cachedInputTokens += d.cachedInputTokens;
  into.cacheWriteTokens += d.cacheWriteTokens;
  into.cacheWrite1hTokens += d.cacheWrite1hTokens;
  into.outputTokens += d.outputTokens;
  into.reasoningTokens += d.reasoningTokens;
  into.costUsd = add(into.costUsd, d.costUsd);
  into.feesUsd = add(into.feesUsd, d.feesUsd);
  into.latencyMsSum += d.latencyMsSum;
  into.ttftMsSum += d.ttftMsSum;
  into.ttftCount += d.ttftCount;
  for (const [b, n] of d.latencyHist) addToHistogram(into.latencyHist, b, n);
  for (const [b, n] of d.ttftHist) addToHistogram(into.ttftHist, b, n);
}

function keyOf(at: number, provider: string, app: string, model: string, outcome: string): string {
  return `${at}\u0000${provider}\u0000${app}\u0000${model}\u0000${outcome}`;
}

/** Deltas per key, sorted by key (the order every writer upserts in, so two writers cannot deadlock). */
function sorted(map: Map<string, RollupDelta>): RollupDelta[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...map.values()].sort(
    (a, b) => a.at - b.at || cmp(a.provider, b.provider) || cmp(a.app, b.app) || cmp(a.model, b.model) || cmp(a.outcome, b.outcome),
  );
}

/** What the rollups take from a call: a CallRecord, or a calls row read back (rollup-rebuild.ts). */
export type RollupSource = Pick<
  CallRecord,
  | "startedAt"
  | "provider"
  | "app"
  | "model"
  | "outcome"
  | "priced"
  | "usageSource"
  | "inputTokens"
  | "cachedInputTokens"
  | "cacheWriteTokens"
  | "cacheWrite1hTokens"
  | "outputTokens"
  | "reasoningTokens"
  | "costUsd"
  | "feesUsd"
  | "latencyMs"
  | "ttftMs"
>;

/** Adds hourly deltas into `acc` (key → delta), e.g. page after page of a rebuild. */
export function accumulateDeltas(acc: Map<string, RollupDelta>, deltas: readonly RollupDelta[]): void {
  for (const d of deltas) {
    const key = keyOf(d.at, d.provider, d.app, d.model, d.outcome);
    const into = acc.get(key);
    if (into) addDelta(into, d);
    else acc.set(key, d);
  }
}

/** Deltas accumulated by accumulateDeltas, in the order every writer upserts in. */
export function sortedDeltas(acc: Map<string, RollupDelta>): RollupDelta[] {
  return sorted(acc);
}

/** The hourly and daily rollup deltas of a set of calls (the calls a batch insert actually inserted). */
export function rollupDeltas(records: readonly RollupSource[]): { hourly: RollupDelta[]; daily: RollupDelta[] } {
  const hours = new Map<string, RollupDelta>();
  for (const r of records) {
    const at = Math.floor(r.startedAt.getTime() / HOUR_MS) * HOUR_MS;
    const model = r.model ?? "";
    const key = keyOf(at, r.provider, r.app, model, r.outcome);
    let d = hours.get(key);
    if (!d) hours.set(key, (d = emptyDelta(at, r.provider, r.app, model, r.outcome)));
    d.calls += 1;
    if (!r.priced && r.usageSource !== "none") d.unpricedCalls += 1;
    d.inputTokens += r.inputTokens;
    d.cachedInputTokens += r.cachedInputTokens;
    d.cacheWriteTokens += r.cacheWriteTokens;
    d.cacheWrite1hTokens += r.cacheWrite1hTokens;
    d.outputTokens += r.outputTokens;
    d.reasoningTokens += r.reasoningTokens;
    if (r.costUsd !== null) d.costUsd = add(d.costUsd, storedCost(r.costUsd));
    if (r.feesUsd) d.feesUsd = add(d.feesUsd, storedCost(r.feesUsd));
    d.latencyMsSum += r.latencyMs;
    addToHistogram(d.latencyHist, bucketOf(r.latencyMs), 1);
    if (r.ttftMs !== null) {
      d.ttftMsSum += r.ttftMs;
      d.ttftCount += 1;
      addToHistogram(d.ttftHist, bucketOf(r.ttftMs), 1);
    }
  }
  const days = new Map<string, RollupDelta>();
  for (const h of hours.values()) {
    const at = Math.floor(h.at / DAY_MS) * DAY_MS;
    const key = keyOf(at, h.provider, h.app, h.model, h.outcome);
    let d = days.get(key);
    if (!d) days.set(key, (d = emptyDelta(at, h.provider, h.app, h.model, h.outcome)));
    addDelta(d, h);
  }
  return { hourly: sorted(hours), daily: sorted(days) };
}

/** A histogram as the literal of its stored BIGINT[]: bucket * 2^32 + count per bucket, in bucket order. */
export function encodeHistogram(h: Histogram): string {
  const buckets = [...h.keys()].sort((a, b) => a - b);
  return `{${buckets.map((b) => b * 4_294_967_296 + (h.get(b) as number)).join(",")}}`;
}

const COLUMNS: ReadonlyArray<readonly [string, string, (d: RollupDelta) => unknown]> = [
  ["t", "timestamptz", (d) => new Date(d.at)],
  ["provider", "text", (d) => d.provider],
  ["app", "text", (d) => d.app],
  ["model", "text", (d) => d.model],
  ["outcome", "text", (d) => d.outcome],
  ["calls", "int8", (d) => d.calls],
  ["unpriced_calls", "int8", (d) => d.unpricedCalls],
  ["input_tokens", "int8", (d) => d.inputTokens],
  ["cached_input_tokens", "int8", (d) => d.cachedInputTokens],
  ["cache_write_tokens", "int8", (d) => d.cacheWriteTokens],
  ["cache_write_1h_tokens", "int8", (d) => d.cacheWrite1hTokens],
  ["output_tokens", "int8", (d) => d.outputTokens],
  ["reasoning_tokens", "int8", (d) => d.reasoningTokens],
  ["cost_usd", "numeric", (d) => formatDecimal(d.costUsd)],
  ["fees_usd", "numeric", (d) => formatDecimal(d.feesUsd)],
  ["latency_ms_sum", "float8", (d) => d.latencyMsSum],
  ["latency_count", "int8", (d) => d.calls],
  ["ttft_ms_sum", "float8", (d) => d.ttftMsSum],
  ["ttft_count", "int8", (d) => d.ttftCount],
  ["latency_hist", "int8[]", (d) => encodeHistogram(d.latencyHist)],
  ["ttft_hist", "int8[]", (d) => encodeHistogram(d.ttftHist)],
];

/**
 * The SET clause of an upsert that adds EXCLUDED's histogram column `h` to the stored one of table `t` (which
 * has a column `${h}_merged_size`). The batch's elements are appended (||, cheap) until the array has doubled
 * since its last merge (+16), then merged (tollgate_hist_merge, ≈80 µs): most upserts skip the merge, and a
 * stored array is at most about twice its merged size. Readers add up repeated buckets.
 * Plain expressions, no subquery: Citus refuses subqueries within INSERT statements (docs/scaling.md). Every
 * right-hand side sees the row before the update, so both columns test the same condition; on the rare
 * merge the size is taken from a second tollgate_hist_merge of the same arrays.
 */
export function histogramUpsertSet(t: string, h: string): string {
  const merge = `cardinality(${t}.${h}) + cardinality(EXCLUDED.${h}) > 2 * ${t}.${h}_merged_size + 16`;
  return `${h} = CASE WHEN ${merge} THEN tollgate_hist_merge(${t}.${h}, EXCLUDED.${h}) ELSE ${t}.${h} || EXCLUDED.${h} END,
    ${h}_merged_size = CASE WHEN ${merge} THEN cardinality(tollgate_hist_merge(${t}.${h}, EXCLUDED.${h})) ELSE ${t}.${h}_merged_size END`;
}

/**
 * The upsert of one level's deltas: one array parameter per column (histograms as text[] of array literals,
 * cast per row), rows already in key order, figures added to existing rows (never replacing them).
 */
export function deltaUpsertSql(level: RollupLevel): string {
  const t = level.table;
  const args = COLUMNS.map(([, type], i) => `$${i + 1}::${type === "int8[]" ? "text" : type}[]`).join(", ");
  const select = COLUMNS.map(([c, type]) => (type === "int8[]" ? `${c}::bigint[]` : c)).join(", ");
  const added = COLUMNS.slice(5, -2).map(([c]) => `${c} = ${t}.${c} + EXCLUDED.${c}`);
  const hist = (h: string) => histogramUpsertSet(t, h);
  const names = COLUMNS.map(([c]) => c);
  return `INSERT INTO ${t} (${level.time}, ${names.slice(1).join(", ")}, latency_hist_merged_size, ttft_hist_merged_size)
    SELECT ${select}, cardinality(latency_hist::bigint[]), cardinality(ttft_hist::bigint[])
      FROM unnest(${args}) WITH ORDINALITY AS d(${names.join(", ")}, i) ORDER BY i
  ON CONFLICT (${level.time}, provider, app, model, outcome) DO UPDATE SET ${added.join(", ")},
    ${hist("latency_hist")},
    ${hist("ttft_hist")}`;
}

/** The parameters of deltaUpsertSql for a list of deltas. */
export function deltaParams(deltas: readonly RollupDelta[]): unknown[][] {
  return COLUMNS.map(([, , get]) => deltas.map(get));
}

export const UPSERT_HOURLY = deltaUpsertSql(ROLLUP_LEVELS[0]);
export const UPSERT_DAILY = deltaUpsertSql(ROLLUP_LEVELS[1]);

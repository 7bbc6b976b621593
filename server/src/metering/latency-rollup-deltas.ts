import { mergeInto, type Histogram } from "./latency-histogram.ts";
import { encodeHistogram, histogramUpsertSet, type RollupDelta } from "./rollup-deltas.ts";

/**
 * A batch's contribution to call_latency_hourly / call_latency_daily: the latency and TTFT histograms per
 * hour (or day), provider, app and model — the call_rollups_* key without the outcome, so the latency report
 * merges ≈6× fewer rows. Folded from the batch's hourly rollup deltas (the same calls, already bucketed), so
 * the figures cannot drift from call_rollups_*.
 */
export interface LatencyDelta {
  at: number;
  provider: string;
  app: string;
  model: string;
  calls: number;
  latencyHist: Histogram;
  ttftHist: Histogram;
}

const DAY_MS = 86_400_000;

function fold(deltas: ReadonlyArray<{ at: number; provider: string; app: string; model: string; calls: number; latencyHist: Histogram; ttftHist: Histogram }>, unitMs: number): LatencyDelta[] {
  const byKey = new Map<string, LatencyDelta>();
  for (const d of deltas) {
    const at = Math.floor(d.at / unitMs) * unitMs;
    const key = `${at}\u0000${d.provider}\u0000${d.app}\u0000${d.model}`;
    let into = byKey.get(key);
    if (!into) byKey.set(key, (into = { at, provider: d.provider, app: d.app, model: d.model, calls: 0, latencyHist: new Map(), ttftHist: new Map() }));
    into.calls += d.calls;
    mergeInto(into.latencyHist, d.latencyHist);
    mergeInto(into.ttftHist, d.ttftHist);
  }
  // Key order: every writer upserts (and so locks) these rows in the same order, so two cannot deadlock.
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...byKey.values()].sort((a, b) => a.at - b.at || cmp(a.provider, b.provider) || cmp(a.app, b.app) || cmp(a.model, b.model));
}

/** The latency rollup deltas of a batch, from its hourly call rollup deltas (rollupDeltas().hourly). */
export function latencyDeltas(hourly: readonly RollupDelta[]): { hourly: LatencyDelta[]; daily: LatencyDelta[] } {
  const hours = fold(hourly, 1);
  return { hourly: hours, daily: fold(hours, DAY_MS) };
}

function upsertSql(table: string, time: string): string {
  return `INSERT INTO ${table} (${time}, provider, app, model, calls, latency_hist, ttft_hist, latency_hist_merged_size, ttft_hist_merged_size)
    SELECT t, provider, app, model, calls, l::bigint[], f::bigint[], cardinality(l::bigint[]), cardinality(f::bigint[])
      FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::text[], $7::text[])
           WITH ORDINALITY AS d(t, provider, app, model, calls, l, f, i)
     ORDER BY i
  ON CONFLICT (${time}, provider, app, model) DO UPDATE SET calls = ${table}.calls + EXCLUDED.calls,
    ${histogramUpsertSet(table, "latency_hist")},
    ${histogramUpsertSet(table, "ttft_hist")}`;
}

export const UPSERT_LATENCY_HOURLY = upsertSql("call_latency_hourly", "hour");
export const UPSERT_LATENCY_DAILY = upsertSql("call_latency_daily", "day");

/** The parameters of UPSERT_LATENCY_* for a list of deltas (histograms as array literals). */
export function latencyDeltaParams(deltas: readonly LatencyDelta[]): unknown[][] {
  return [
    deltas.map((d) => new Date(d.at)),
    deltas.map((d) => d.provider),
    deltas.map((d) => d.app),
    deltas.map((d) => d.model),
    deltas.map((d) => d.calls),
    deltas.map((d) => encodeHistogram(d.latencyHist)),
    deltas.map((d) => encodeHistogram(d.ttftHist)),
  ];
}

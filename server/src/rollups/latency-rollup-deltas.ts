import { mergeInto, type Histogram } from "./latency-histogram.ts";
import { encodeHistogram, histogramUpsertSet, type RollupDelta } from "./rollup-deltas.ts";

/**
 * A batch's contribution to call_latency_hourly / call_latency_daily: the latency and TTFT histograms per
 * hour (or day) merged per provider (level 'provider': app and model '') and per app (level 'app': provider
 * and model ''), so a latency report grouped by provider or by app merges ≈10× fewer histogram elements than
 * from call_rollups_* (one row per provider/app/model/outcome). Folded from the batch's hourly rollup deltas
 * (the same calls, already bucketed), so the figures cannot drift from call_rollups_*.
 */
export type LatencyLevel = "provider" | "app";

export interface LatencyDelta {
  at: number;
  level: LatencyLevel;
  provider: string;
  app: string;
  model: string;
  /** calls with a latency of their own (batch result lines are not) */
  calls: number;
  latencyHist: Histogram;
  ttftHist: Histogram;
}

const DAY_MS = 86_400_000;

type Source = Pick<LatencyDelta, "at" | "provider" | "app" | "model" | "latencyHist" | "ttftHist"> & { latencyCount: number };

/** The rows of each level a delta adds to. */
const LEVEL_KEYS: ReadonlyArray<[LatencyLevel, (d: Source) => [string, string, string]]> = [
  ["provider", (d) => [d.provider, "", ""]],
  ["app", (d) => ["", d.app, ""]],
];

function fold(deltas: readonly Source[], unitMs: number): LatencyDelta[] {
  const byKey = new Map<string, LatencyDelta>();
  for (const d of deltas) {
    // only batch result lines: no latency to add (their calls are counted in call_rollups_*)
    if (d.latencyCount === 0) continue;
    const at = Math.floor(d.at / unitMs) * unitMs;
    for (const [level, keyOf] of LEVEL_KEYS) {
      const [provider, app, model] = keyOf(d);
      const key = `${at}\u0000${level}\u0000${provider}\u0000${app}\u0000${model}`;
      let into = byKey.get(key);
      if (!into) byKey.set(key, (into = { at, level, provider, app, model, calls: 0, latencyHist: new Map(), ttftHist: new Map() }));
      into.calls += d.latencyCount;
      mergeInto(into.latencyHist, d.latencyHist);
      mergeInto(into.ttftHist, d.ttftHist);
    }
  }
  // Key order: every writer upserts (and so locks) these rows in the same order, so two cannot deadlock.
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...byKey.values()].sort(
    (a, b) => a.at - b.at || cmp(a.level, b.level) || cmp(a.provider, b.provider) || cmp(a.app, b.app) || cmp(a.model, b.model),
  );
}

/** The latency rollup deltas of a batch, both levels, from its hourly call rollup deltas (rollupDeltas().hourly). */
export function latencyDeltas(hourly: readonly RollupDelta[]): { hourly: LatencyDelta[]; daily: LatencyDelta[] } {
  return { hourly: fold(hourly, 1), daily: fold(hourly, DAY_MS) };
}

function upsertSql(table: string, time: string): string {
  return `INSERT INTO ${table} (${time}, level, provider, app, model, calls, latency_hist, ttft_hist, latency_hist_merged_size, ttft_hist_merged_size)
    SELECT t, level, provider, app, model, calls, l::bigint[], f::bigint[], cardinality(l::bigint[]), cardinality(f::bigint[])
      FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::text[], $8::text[])
           WITH ORDINALITY AS d(t, level, provider, app, model, calls, l, f, i)
     ORDER BY i
  ON CONFLICT (${time}, level, provider, app, model) DO UPDATE SET calls = ${table}.calls + EXCLUDED.calls,
    ${histogramUpsertSet(table, "latency_hist")},
    ${histogramUpsertSet(table, "ttft_hist")}`;
}

export const UPSERT_LATENCY_HOURLY = upsertSql("call_latency_hourly", "hour");
export const UPSERT_LATENCY_DAILY = upsertSql("call_latency_daily", "day");

/** The parameters of UPSERT_LATENCY_* for a list of deltas (histograms as array literals). */
export function latencyDeltaParams(deltas: readonly LatencyDelta[]): unknown[][] {
  return [
    deltas.map((d) => new Date(d.at)),
    deltas.map((d) => d.level),
    deltas.map((d) => d.provider),
    deltas.map((d) => d.app),
    deltas.map((d) => d.model),
    deltas.map((d) => d.calls),
    deltas.map((d) => encodeHistogram(d.latencyHist)),
    deltas.map((d) => encodeHistogram(d.ttftHist)),
  ];
}

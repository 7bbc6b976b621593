import type pg from "pg";
import { percentiles } from "../rollups/latency-histogram.ts";
import { addBucket, addEncodedSum, addSum, emptySum, toHistogram, type HistogramSum } from "./histogram-sums.ts";
import { z } from "zod";
import { OUTCOMES } from "../recording/call-record.ts";
import { parseQuery, reportSchema, resolveInterval, resolveRange, type GroupBy, type Interval, type TimeRange } from "./query.ts";
import { bucketSql, GROUP_KEY, edgeHistogramSql, planSource, rollupHistogramSql, rawCallsWhere, type SourceChoice, type SourcePlan } from "./report-source.ts";

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

export interface LatencyFigures {
  calls: number;
  latencyMs: Percentiles;
  ttftMs: Percentiles;
}

export interface SlowCall {
  id: string;
  startedAt: string;
  provider: string;
  model: string | null;
  app: string;
  outcome: string;
  latencyMs: number;
  ttftMs: number | null;
}

export interface LatencyReport {
  from: string;
  to: string;
  interval: string;
  groupBy: string;
  /** "exact" from raw calls; "histogram" from rollups (within 4.43% of the exact value, see latency-histogram.ts) */
  percentiles: "exact" | "histogram";
  totals: LatencyFigures;
  groups: Array<LatencyFigures & { key: string }>;
  series: Array<LatencyFigures & { bucket: string; group: string }>;
  slowest: SlowCall[];
}

export const SLOWEST_LIMIT = 20;

/** The slowest calls' own outcome filter: "all", "failed" or one outcome; absent, the report's. */
const latencySchema = reportSchema.extend({ slowestOutcome: z.enum(["all", "failed", ...OUTCOMES]).optional() });
const PS = [0.5, 0.9, 0.95, 0.99] as const;

type Filters = Parameters<typeof rawCallsWhere>[1];
type Figures = Omit<LatencyReport, "from" | "to" | "interval" | "groupBy" | "percentiles" | "slowest">;

function toPercentiles(values: ReadonlyArray<number | null> | null): Percentiles {
  const round = (v: number | null | undefined) => (v == null ? null : Math.round(v * 1000) / 1000);
  return { p50: round(values?.[0]), p90: round(values?.[1]), p95: round(values?.[2]), p99: round(values?.[3]) };
}

interface ExactRow {
  level: number;
  bucket: Date | null;
  grp: string | null;
  calls: string;
  lat: number[] | null;
  ttft: number[] | null;
}

/** Exact percentiles (percentile_cont, as Postgres interpolates) over raw calls. */
async function exactFigures(pool: pg.Pool, range: TimeRange, q: Filters, groupBy: GroupBy, interval: Interval): Promise<Figures> {
  const params: unknown[] = [];
  const where = rawCallsWhere(range, q, params);
  const { rows } = await pool.query<ExactRow>(
    `SELECT grouping(bucket, grp) AS level, bucket, grp, count(*)::text AS calls,
            percentile_cont(ARRAY[${PS.join(", ")}]) WITHIN GROUP (ORDER BY latency_ms) AS lat,
            percentile_cont(ARRAY[${PS.join(", ")}]) WITHIN GROUP (ORDER BY ttft_ms) AS ttft
       FROM (SELECT ${bucketSql(interval, "started_at")} AS bucket, ${GROUP_KEY[groupBy]} AS grp, latency_ms, ttft_ms
               FROM (SELECT started_at, provider, app, coalesce(model, '') AS model, "user", latency_ms, ttft_ms FROM calls WHERE ${where}) AS c) AS t
      GROUP BY GROUPING SETS ((bucket, grp), (grp), ())`,
    params,
  );
  const figures = (r: ExactRow): LatencyFigures => ({ calls: Number(r.calls), latencyMs: toPercentiles(r.lat), ttftMs: toPercentiles(r.ttft) });
  const total = rows.find((r) => r.level === 3);
  return {
    totals: total ? figures(total) : { calls: 0, latencyMs: toPercentiles(null), ttftMs: toPercentiles(null) },
    groups: rows.filter((r) => r.level === 2).map((r) => ({ key: r.grp as string, ...figures(r) })),
    series: rows.filter((r) => r.level === 0).map((r) => ({ bucket: (r.bucket as Date).toISOString(), group: r.grp as string, ...figures(r) })),
  };
}

interface HistRow {
  bucket: Date;
  grp: string;
  kind: "latency" | "ttft";
  idx: number;
  n: string;
}

interface Hists {
  latency: HistogramSum;
  ttft: HistogramSum;
}

const emptyHists = (): Hists => ({ latency: emptySum(), ttft: emptySum() });

function histFigures(h: Hists): LatencyFigures {
  let calls = 0;
  for (const n of h.latency) calls += n;
  return { calls, latencyMs: toPercentiles(percentiles(toHistogram(h.latency), PS)), ttftMs: toPercentiles(percentiles(toHistogram(h.ttft), PS)) };
}

/**
 * Percentiles from the rollups' histograms (plus the edge hours' calls bucketed the same way), merged here:
 * each rollup row's histogram arrives as the text of its BIGINT[] and is added to its series by a hand-written
 * parser — measured 3–10× faster than unnesting and summing the elements in SQL.
 */
async function histogramFigures(
  pool: pg.Pool,
  plan: Extract<SourcePlan, { kind: "rollups" }>,
  range: TimeRange,
  q: Filters,
  groupBy: GroupBy,
  interval: Interval,
): Promise<Figures> {
  const edgeParams: unknown[] = [];
  const edgeSql = edgeHistogramSql(plan, range, q, groupBy, interval, edgeParams);
  const rollupParams: unknown[] = [];
  const [edges, rollups] = await Promise.all([
    edgeSql ? pool.query<HistRow>(edgeSql, edgeParams) : Promise.resolve({ rows: [] as HistRow[] }),
    pool.query<[Date, string, string, string]>({ text: rollupHistogramSql(plan, q, groupBy, interval, rollupParams), values: rollupParams, rowMode: "array" }),
  ]);
  const total = emptyHists();
  const groups = new Map<string, Hists>();
  const series = new Map<string, Hists & { bucket: string; group: string }>();
  const seriesFor = (bucketAt: Date, group: string): Hists => {
    const id = `${bucketAt.getTime()}\u0000${group}`;
    let s = series.get(id);
    if (!s) series.set(id, (s = { bucket: bucketAt.toISOString(), group, ...emptyHists() }));
    return s;
  };
  for (const r of edges.rows) addBucket(seriesFor(r.bucket, r.grp)[r.kind], r.idx, Number(r.n));
  for (const [bucket, grp, latency, ttft] of rollups.rows) {
    const s = seriesFor(bucket, grp);
    addEncodedSum(s.latency, latency);
    addEncodedSum(s.ttft, ttft);
  }
  for (const s of series.values()) {
    if (!groups.has(s.group)) groups.set(s.group, emptyHists());
    const g = groups.get(s.group) as Hists;
    addSum(g.latency, s.latency);
    addSum(g.ttft, s.ttft);
    addSum(total.latency, s.latency);
    addSum(total.ttft, s.ttft);
  }
  return {
    totals: histFigures(total),
    groups: [...groups].map(([key, h]) => ({ key, ...histFigures(h) })),
    series: [...series.values()].map((s) => ({ bucket: s.bucket, group: s.group, ...histFigures(s) })),
  };
}

/** A slow call as Postgres returns it (a Date, not yet an ISO string). */
type SlowRow = Omit<SlowCall, "startedAt"> & { startedAt: Date };

async function slowest(pool: pg.Pool, range: TimeRange, q: Filters): Promise<SlowCall[]> {
  const params: unknown[] = [];
  const { rows } = await pool.query<SlowRow>(
    `SELECT id, started_at AS "startedAt", provider, model, app, outcome, latency_ms AS "latencyMs", ttft_ms AS "ttftMs"
       FROM calls WHERE ${rawCallsWhere(range, q, params)} ORDER BY latency_ms DESC, started_at DESC LIMIT ${SLOWEST_LIMIT}`,
    params,
  );
  return rows.map((r) => ({ ...r, startedAt: r.startedAt.toISOString() }));
}

/** p50/p90/p95/p99 of total latency and time to first token per group and bucket, and the slowest calls. */
export async function latencyReport(pool: pg.Pool, query: unknown, options: { source?: SourceChoice } = {}): Promise<LatencyReport> {
  const q = parseQuery(latencySchema, query);
  const range = resolveRange(q);
  const slowestFilters = q.slowestOutcome === undefined ? q : { ...q, outcome: q.slowestOutcome === "all" ? undefined : q.slowestOutcome };
  const interval = resolveInterval(range, q.interval);
  const plan = planSource(range, q.groupBy, options.source, interval);
  const [figures, slow] = await Promise.all([
    plan.kind === "raw" ? exactFigures(pool, range, q, q.groupBy, interval) : histogramFigures(pool, plan, range, q, q.groupBy, interval),
    slowest(pool, range, slowestFilters),
  ]);
  figures.groups.sort((a, b) => b.calls - a.calls || a.key.localeCompare(b.key));
  figures.series.sort((a, b) => a.bucket.localeCompare(b.bucket) || a.group.localeCompare(b.group));
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    interval,
    groupBy: q.groupBy,
    percentiles: plan.kind === "raw" ? "exact" : "histogram",
    ...figures,
    slowest: slow,
  };
}

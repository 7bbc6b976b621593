import type { PrismaClient } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { percentiles } from "../rollups/latency-histogram.ts";
import { addBucket, addEncodedSum, addSum, emptySum, toHistogram, type HistogramSum } from "./histogram-sums.ts";
import { z } from "zod";
import { OUTCOMES } from "../domain/call-record.ts";
import { parseQuery, reportSchema, resolveInterval, resolveRange, type GroupBy, type Interval, type TimeRange } from "./query.ts";
import {
  bucketSql,
  CALL_ROLLUPS,
  groupKey,
  latencyRollups,
  planLegs,
  planSource,
  rawRangeLeg,
  type Filters,
  type SourceChoice,
  type SourcePlan,
} from "./report-source.ts";

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

type Figures = Omit<LatencyReport, "from" | "to" | "interval" | "groupBy" | "percentiles" | "slowest">;

function toPercentiles(values: ReadonlyArray<number | null> | null): Percentiles {
  const round = (v: number | null | undefined) => (v == null ? null : Math.round(v * 1000) / 1000);
  return { p50: round(values?.[0]), p90: round(values?.[1]), p95: round(values?.[2]), p99: round(values?.[3]) };
}

interface ExactRow {
  bucket?: Date;
  grp?: string;
  calls: string;
  lat: number[] | null;
  ttft: number[] | null;
}

const PERCENTILES = Prisma.raw(`count(*)::text AS calls,
  percentile_cont(ARRAY[${PS.join(", ")}]) WITHIN GROUP (ORDER BY latency_ms) AS lat,
  percentile_cont(ARRAY[${PS.join(", ")}]) WITHIN GROUP (ORDER BY ttft_ms) AS ttft`);

/**
 * Exact percentiles (percentile_cont, as Postgres interpolates) over raw calls: percentiles do not add up,
 * so series, groups and the total are three plain statements over the same calls (no grouping sets).
 */
async function exactFigures(db: PrismaClient, range: TimeRange, q: Filters, groupBy: GroupBy, interval: Interval): Promise<Figures> {
  const leg = rawRangeLeg(range, q);
  const grp = groupKey(groupBy, leg);
  const [series, groups, totals] = await Promise.all([
    db.$queryRaw<
      ExactRow[]
    >`SELECT ${bucketSql(interval, leg.time)} AS bucket, ${grp} AS grp, ${PERCENTILES} FROM calls WHERE ${leg.where} GROUP BY 1, 2`,
    db.$queryRaw<ExactRow[]>`SELECT ${grp} AS grp, ${PERCENTILES} FROM calls WHERE ${leg.where} GROUP BY 1`,
    db.$queryRaw<ExactRow[]>`SELECT ${PERCENTILES} FROM calls WHERE ${leg.where}`,
  ]);
  const figures = (r: ExactRow | undefined): LatencyFigures => ({
    calls: Number(r?.calls ?? 0),
    latencyMs: toPercentiles(r?.lat ?? null),
    ttftMs: toPercentiles(r?.ttft ?? null),
  });
  return {
    totals: figures(totals[0]),
    groups: groups.map((r) => ({ key: r.grp as string, ...figures(r) })),
    series: series.map((r) => ({ bucket: (r.bucket as Date).toISOString(), group: r.grp as string, ...figures(r) })),
  };
}

interface HistRow {
  bucket: Date;
  grp: string;
  kind: "latency" | "ttft";
  idx: number;
  n: string;
}

interface RollupHistRow {
  bucket: Date;
  grp: string;
  /** the text of the row's BIGINT[] histograms */
  latency: string;
  ttft: string;
}

interface Hists {
  latency: HistogramSum;
  ttft: HistogramSum;
}

const emptyHists = (): Hists => ({ latency: emptySum(), ttft: emptySum() });

function histFigures(h: Hists): LatencyFigures {
  let calls = 0;
  for (const n of h.latency) calls += n;
  return {
    calls,
    latencyMs: toPercentiles(percentiles(toHistogram(h.latency), PS)),
    ttftMs: toPercentiles(percentiles(toHistogram(h.ttft), PS)),
  };
}

/**
 * Percentiles from the rollups' histograms (plus the edge hours' calls bucketed the same way), merged here:
 * each rollup row's histogram arrives as the text of its BIGINT[] and is added to its series by a hand-written
 * parser — measured 3–10× faster than unnesting and summing the elements in SQL.
 */
async function histogramFigures(
  db: PrismaClient,
  plan: Extract<SourcePlan, { kind: "rollups" }>,
  range: TimeRange,
  q: Filters,
  groupBy: GroupBy,
  interval: Interval,
): Promise<Figures> {
  const level = latencyLevel(q, groupBy);
  const legs = planLegs(plan, range, q, level === null ? CALL_ROLLUPS : latencyRollups(level));
  const results = await Promise.all(
    legs.map(async (leg): Promise<{ edges: HistRow[]; rollups: RollupHistRow[] }> => {
      const bucket = bucketSql(interval, leg.time);
      const grp = groupKey(groupBy, leg);
      if (leg.kind !== "raw") {
        const rollups = await db.$queryRaw<
          RollupHistRow[]
        >`SELECT ${bucket} AS bucket, ${grp} AS grp, latency_hist::text AS latency, ttft_hist::text AS ttft
          FROM ${leg.table} WHERE ${leg.where}`;
        return { edges: [], rollups };
      }
      // The edge hours' calls, bucketed by the same SQL function as the rollups: one plain GROUP BY per measure.
      const edge = (column: string, kind: HistRow["kind"]) =>
        db.$queryRaw<
          HistRow[]
        >`SELECT ${bucket} AS bucket, ${grp} AS grp, ${kind} AS kind, tollgate_latency_bucket(${Prisma.raw(column)}) AS idx, count(*)::text AS n
          FROM calls WHERE ${leg.where} AND ${Prisma.raw(column)} IS NOT NULL GROUP BY 1, 2, 3, 4`;
      const [latency, ttft] = await Promise.all([edge("latency_ms", "latency"), edge("ttft_ms", "ttft")]);
      return { edges: [...latency, ...ttft], rollups: [] };
    }),
  );
  const edges = results.flatMap((r) => r.edges);
  const rollups = results.flatMap((r) => r.rollups);
  const total = emptyHists();
  const groups = new Map<string, Hists>();
  const series = new Map<string, Hists & { bucket: string; group: string }>();
  const seriesFor = (bucketAt: Date, group: string): Hists => {
    const id = `${bucketAt.getTime()}\u0000${group}`;
    let s = series.get(id);
    if (!s) series.set(id, (s = { bucket: bucketAt.toISOString(), group, ...emptyHists() }));
    return s;
  };
  for (const r of edges) addBucket(seriesFor(r.bucket, r.grp)[r.kind], r.idx, Number(r.n));
  for (const { bucket, grp, latency, ttft } of rollups) {
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

async function slowest(db: PrismaClient, range: TimeRange, q: Filters): Promise<SlowCall[]> {
  const leg = rawRangeLeg(range, q);
  const rows = await db.$queryRaw<
    SlowRow[]
  >`SELECT id::text, started_at AS "startedAt", provider, model, app, outcome, latency_ms AS "latencyMs", ttft_ms AS "ttftMs"
    FROM calls WHERE ${leg.where} ORDER BY latency_ms DESC, started_at DESC LIMIT ${Prisma.raw(String(SLOWEST_LIMIT))}`;
  return rows.map((r) => ({ ...r, startedAt: r.startedAt.toISOString() }));
}

/**
 * The latency rollups' level that serves a report: histograms already merged per provider (or app) when the
 * report groups by it and filters on nothing else; null (call_rollups_*) for any other report.
 */
function latencyLevel(q: Filters, groupBy: GroupBy): "provider" | "app" | null {
  if (q.outcome !== undefined || q.model !== undefined) return null;
  if (groupBy === "provider" && q.app === undefined) return "provider";
  if (groupBy === "app" && q.provider === undefined) return "app";
  return null;
}

/** p50/p90/p95/p99 of total latency and time to first token per group and bucket, and the slowest calls. */
export async function latencyReport(db: PrismaClient, query: unknown, options: { source?: SourceChoice } = {}): Promise<LatencyReport> {
  const q = parseQuery(latencySchema, query);
  const range = resolveRange(q);
  const slowestFilters = q.slowestOutcome === undefined ? q : { ...q, outcome: q.slowestOutcome === "all" ? undefined : q.slowestOutcome };
  const interval = resolveInterval(range, q.interval);
  const plan = planSource(range, q.groupBy, options.source, interval);
  const [figures, slow] = await Promise.all([
    plan.kind === "raw" ? exactFigures(db, range, q, q.groupBy, interval) : histogramFigures(db, plan, range, q, q.groupBy, interval),
    slowest(db, range, slowestFilters),
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

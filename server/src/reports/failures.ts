import type pg from "pg";
import { OUTCOMES } from "../recording/call-record.ts";
import { z } from "zod";
import { TollgateError } from "../errors.ts";
import { FINE_INTERVALS, FINE_RANGE_MS, INTERVALS, parseQuery, reportSchema, resolveInterval, resolveRange, type TimeRange } from "./query.ts";
import { bucketSql, GROUP_KEY, planSource, sumsSource, type SourceChoice } from "./report-source.ts";
import { topErrors, type TopError } from "./top-errors.ts";

export interface FailureFigures {
  calls: number;
  failures: number;
  errorRate: number;
  byOutcome: Record<string, number>;
}

export interface FailuresReport {
  from: string;
  to: string;
  interval: string;
  groupBy: string;
  totals: FailureFigures;
  groups: Array<FailureFigures & { key: string }>;
  series: Array<FailureFigures & { bucket: string; group: string }>;
  topErrors: TopError[];
}

/** The failures report also takes minute buckets (`minute`, `5minute`) for ranges up to 6 hours. */
const failuresSchema = reportSchema.extend({ interval: z.enum([...INTERVALS, ...FINE_INTERVALS]).optional() });
type FailuresInterval = NonNullable<z.infer<typeof failuresSchema>["interval"]>;

function isFine(interval: FailuresInterval): interval is (typeof FINE_INTERVALS)[number] {
  return (FINE_INTERVALS as readonly string[]).includes(interval);
}

function failuresInterval(range: TimeRange, interval: FailuresInterval | undefined): FailuresInterval {
  if (interval === undefined || !isFine(interval)) return resolveInterval(range, interval);
  if (range.to.getTime() - range.from.getTime() > FINE_RANGE_MS) {
    throw new TollgateError("invalid_request", `interval: ${interval} buckets need a range of at most 6 hours`);
  }
  return interval;
}

interface CountRow {
  level: number;
  bucket: Date | null;
  grp: string | null;
  outcome: string;
  calls: string;
}

function emptyFigures(): FailureFigures {
  return { calls: 0, failures: 0, errorRate: 0, byOutcome: {} };
}

/** byOutcome keys in the order of OUTCOMES (ok first), unknown outcomes after. */
function inOutcomeOrder(counts: Record<string, number>): Record<string, number> {
  const keys = Object.keys(counts).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return Object.fromEntries(keys.map((k) => [k, counts[k] as number]));
}

function rank(outcome: string): number {
  const i = (OUTCOMES as readonly string[]).indexOf(outcome);
  return i === -1 ? OUTCOMES.length : i;
}

function add(f: FailureFigures, outcome: string, calls: number): void {
  f.calls += calls;
  if (outcome !== "ok") f.failures += calls;
  f.byOutcome[outcome] = (f.byOutcome[outcome] ?? 0) + calls;
  f.errorRate = f.calls === 0 ? 0 : f.failures / f.calls;
}

/** Calls, failures (any outcome but ok), error rate and counts by outcome per group and bucket. */
export async function failuresReport(pool: pg.Pool, query: unknown, options: { source?: SourceChoice } = {}): Promise<FailuresReport> {
  const q = parseQuery(failuresSchema, query);
  const range = resolveRange(q);
  const interval = failuresInterval(range, q.interval);
  const params: unknown[] = [];
  // Minute buckets read the range's raw calls (rollups hold whole hours), through the index on started_at.
  const source = isFine(interval)
    ? sumsSource({ kind: "raw" }, range, q, params, "minute")
    : sumsSource(planSource(range, q.groupBy, options.source, interval), range, q, params);
  const [counts, top] = await Promise.all([
    pool.query<CountRow>(
      `SELECT grouping(bucket, grp) AS level, bucket, grp, outcome, sum(calls)::text AS calls
         FROM (SELECT ${bucketSql(interval, "hour")} AS bucket, ${GROUP_KEY[q.groupBy]} AS grp, outcome, calls FROM (${source}) AS s) AS t
        GROUP BY GROUPING SETS ((bucket, grp, outcome), (grp, outcome), (outcome))`,
      params,
    ),
    topErrors(pool, q, range, options.source),
  ]);
  const totals = emptyFigures();
  const groups = new Map<string, FailureFigures>();
  const series = new Map<string, FailureFigures & { bucket: string; group: string }>();
  for (const r of counts.rows) {
    const n = Number(r.calls);
    if (r.level === 3) add(totals, r.outcome, n);
    else if (r.level === 2) {
      const key = r.grp as string;
      if (!groups.has(key)) groups.set(key, emptyFigures());
      add(groups.get(key) as FailureFigures, r.outcome, n);
    } else {
      const bucket = (r.bucket as Date).toISOString();
      const id = `${bucket}\u0000${r.grp}`;
      if (!series.has(id)) series.set(id, { bucket, group: r.grp as string, ...emptyFigures() });
      add(series.get(id) as FailureFigures, r.outcome, n);
    }
  }
  for (const f of [totals, ...groups.values(), ...series.values()]) f.byOutcome = inOutcomeOrder(f.byOutcome);
  const groupList = [...groups].map(([key, f]) => ({ key, ...f }));
  groupList.sort((a, b) => b.failures - a.failures || b.calls - a.calls || a.key.localeCompare(b.key));
  const seriesList = [...series.values()].sort((a, b) => a.bucket.localeCompare(b.bucket) || a.group.localeCompare(b.group));
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    interval,
    groupBy: q.groupBy,
    totals,
    groups: groupList,
    series: seriesList,
    topErrors: top,
  };
}

import type { PrismaClient } from "../db/client.ts";
import { OUTCOMES } from "../domain/call-record.ts";
import { z } from "zod";
import { TollgateError } from "../lib/errors.ts";
import {
  FINE_INTERVALS,
  FINE_RANGE_MS,
  INTERVALS,
  parseQuery,
  reportSchema,
  resolveInterval,
  resolveRange,
  type TimeRange,
} from "./query.ts";
import { bucketSql, callsSql, groupKey, planLegs, planSource, type SourceChoice } from "./report-source.ts";
import { entry } from "./sum-rows.ts";
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
  bucket: Date;
  grp: string;
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
export async function failuresReport(db: PrismaClient, query: unknown, options: { source?: SourceChoice } = {}): Promise<FailuresReport> {
  const q = parseQuery(failuresSchema, query);
  const range = resolveRange(q);
  const interval = failuresInterval(range, q.interval);
  // Minute buckets read the range's raw calls (rollups hold whole hours), through the index on started_at.
  const legs = planLegs(isFine(interval) ? { kind: "raw" } : planSource(range, q.groupBy, options.source, interval), range, q);
  // One plain GROUP BY per leg (bucket, group, outcome); groups and totals are added up here.
  const [top, ...counts] = await Promise.all([
    topErrors(db, q, range, options.source),
    ...legs.map(
      (leg) => db.$queryRaw<
        CountRow[]
      >`SELECT ${bucketSql(interval, leg.time)} AS bucket, ${groupKey(q.groupBy, leg)} AS grp, outcome, ${callsSql(leg)}::text AS calls
        FROM ${leg.table} WHERE ${leg.where} GROUP BY 1, 2, 3`,
    ),
  ]);
  const totals = emptyFigures();
  const groups = new Map<string, FailureFigures>();
  const series = new Map<string, FailureFigures & { bucket: string; group: string }>();
  for (const r of counts.flat()) {
    const n = Number(r.calls);
    const bucket = r.bucket.toISOString();
    add(totals, r.outcome, n);
    add(entry(groups, r.grp, emptyFigures), r.outcome, n);
    add(
      entry(series, `${bucket}\u0000${r.grp}`, () => ({ bucket, group: r.grp, ...emptyFigures() })),
      r.outcome,
      n,
    );
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

import type pg from "pg";
import { OUTCOMES } from "../metering/call-record.ts";
import { parseQuery, reportSchema, resolveInterval, resolveRange } from "./query.ts";
import { bucketSql, GROUP_KEY, planSource, rawCallsWhere, sumsSource, type SourceChoice } from "./report-source.ts";

export interface FailureFigures {
  calls: number;
  failures: number;
  errorRate: number;
  byOutcome: Record<string, number>;
}

export interface TopError {
  provider: string;
  outcome: string;
  errorType: string | null;
  errorMessage: string | null;
  count: number;
  lastSeen: string;
  lastCallId: string;
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

export const TOP_ERRORS_LIMIT = 20;

interface CountRow {
  level: number;
  bucket: Date | null;
  grp: string | null;
  outcome: string;
  calls: string;
}

interface TopErrorRow {
  provider: string;
  outcome: string;
  error_type: string | null;
  error_message: string | null;
  n: string;
  last_seen: Date;
  last_call_id: string;
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

/** The most frequent failures (provider, outcome, error type and message) with their latest call. */
async function topErrors(pool: pg.Pool, q: Parameters<typeof rawCallsWhere>[1], range: Parameters<typeof rawCallsWhere>[0]): Promise<TopError[]> {
  const params: unknown[] = [];
  // `outcome <> 'ok'` verbatim lets the planner use the partial index calls_failed_started_at_idx.
  const where = `${rawCallsWhere(range, q, params)} AND outcome <> 'ok'`;
  const { rows } = await pool.query<TopErrorRow>(
    `WITH top AS (
       SELECT provider, outcome, error_type, error_message, count(*) AS n, max(started_at) AS last_seen
         FROM calls WHERE ${where}
        GROUP BY 1, 2, 3, 4 ORDER BY n DESC, last_seen DESC LIMIT ${TOP_ERRORS_LIMIT})
     SELECT top.*, (SELECT c.id FROM calls AS c
                     WHERE c.started_at = top.last_seen AND c.provider = top.provider AND c.outcome = top.outcome
                       AND c.error_type IS NOT DISTINCT FROM top.error_type
                       AND c.error_message IS NOT DISTINCT FROM top.error_message
                     ORDER BY c.id DESC LIMIT 1) AS last_call_id
       FROM top ORDER BY n DESC, last_seen DESC`,
    params,
  );
  return rows.map((r) => ({
    provider: r.provider,
    outcome: r.outcome,
    errorType: r.error_type,
    errorMessage: r.error_message,
    count: Number(r.n),
    lastSeen: r.last_seen.toISOString(),
    lastCallId: r.last_call_id,
  }));
}

/** Calls, failures (any outcome but ok), error rate and counts by outcome per group and bucket. */
export async function failuresReport(pool: pg.Pool, query: unknown, options: { source?: SourceChoice } = {}): Promise<FailuresReport> {
  const q = parseQuery(reportSchema, query);
  const range = resolveRange(q);
  const interval = resolveInterval(range, q.interval);
  const params: unknown[] = [];
  const source = sumsSource(planSource(range, q.groupBy, options.source, interval), range, q, params);
  const [counts, top] = await Promise.all([
    pool.query<CountRow>(
      `SELECT grouping(bucket, grp) AS level, bucket, grp, outcome, sum(calls)::text AS calls
         FROM (SELECT ${bucketSql(interval, "hour")} AS bucket, ${GROUP_KEY[q.groupBy]} AS grp, outcome, calls FROM (${source}) AS s) AS t
        GROUP BY GROUPING SETS ((bucket, grp, outcome), (grp, outcome), (outcome))`,
      params,
    ),
    topErrors(pool, q, range),
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

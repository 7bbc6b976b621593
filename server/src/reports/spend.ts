import type { PrismaClient } from "../db/client.ts";
import type { SourceChoice } from "./report-source.ts";
import { coverageOf, dataStart, isComplete, previousRange, withPrevious, type ComparedReport } from "./spend-compare.ts";
import { keptSeries, parseSpendQuery, spendForRange } from "./spend-report.ts";
import { keepTop, keptGroups, topSchema, type TopQuery } from "./top-groups.ts";
import { parseQuery } from "./query.ts";

export type { SpendReport } from "./spend-report.ts";

/**
 * GET /api/spend: cost, calls and tokens per group (up to three dimensions) and bucket, plus totals, with
 * the range's data coverage; with compare=previous, the previous period's figures beside each group.
 */
export async function spendReport(
  db: PrismaClient,
  query: unknown,
  options: { source?: SourceChoice; now?: Date } = {},
): Promise<ComparedReport> {
  // With `top`, the top N groups plus "(other)" (reports/top-groups.ts): the dashboard asks for it so a
  // grouping by user stays small; without it every group, as a chargeback export needs.
  const { top, topBy } = parseQuery(topSchema, query);
  const full = await fullSpendReport(db, query, options, top === undefined ? undefined : { top, topBy });
  return top === undefined ? full : keepTop(full, { top, topBy });
}

/**
 * The report with every group. With `top` and a dimension of many values, the groups are read first without
 * buckets, then the series of only the groups keepTop keeps plus the rest per bucket (spend-report.ts
 * keptSeries): keepTop then folds the same figures as from the full series.
 */
async function fullSpendReport(
  db: PrismaClient,
  query: unknown,
  options: { source?: SourceChoice; now?: Date },
  top?: TopQuery & { top: number },
): Promise<ComparedReport> {
  const { q, range, dims, properties } = parseSpendQuery(query);
  const now = options.now ?? new Date();
  const spend = { source: options.source, dims, properties };
  // Groups first only where they can be many (users, keys, property values): provider, app and model have
  // a few dozen values, and reading their series at once is one statement per leg instead of three.
  const groupsFirst = top !== undefined && dims.some((d) => d === "user" || d === "key" || d.startsWith("property:"));
  const [current, start] = await Promise.all([spendForRange(db, range, q, { ...spend, buckets: !groupsFirst }), dataStart(db)]);
  const coverage = coverageOf(range, start, now);
  let report: ComparedReport = { ...current, coverage };
  if (q.compare === "previous") {
    const prevRange = previousRange(range);
    // only the previous period's groups and totals are used: no buckets
    const previous = await spendForRange(
      db,
      prevRange,
      { ...q, interval: current.interval as typeof q.interval },
      { ...spend, buckets: false },
    );
    const prevCoverage = coverageOf(prevRange, start, now);
    const comparable = isComplete(range, coverage) && isComplete(prevRange, prevCoverage);
    report = withPrevious(current, previous, prevRange, coverage, prevCoverage, comparable);
  }
  if (top !== undefined && groupsFirst) {
    const many = report.groups.length > top.top;
    const kept = keptGroups(report, top).map((g) => dims.map((d) => g.keys[d] as string));
    const series = many ? await keptSeries(db, range, q, { ...spend, kept }) : null;
    report.series = series ?? (await spendForRange(db, range, q, spend)).series;
  }
  return report;
}

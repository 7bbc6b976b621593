import type { PrismaClient } from "../db/client.ts";
import type { SourceChoice } from "./report-source.ts";
import { coverageOf, dataStart, isComplete, previousRange, withPrevious, type ComparedReport } from "./spend-compare.ts";
import { parseSpendQuery, spendForRange } from "./spend-report.ts";
import { keepTop, topSchema } from "./top-groups.ts";
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
  const full = await fullSpendReport(db, query, options);
  return top === undefined ? full : keepTop(full, { top, topBy });
}

async function fullSpendReport(db: PrismaClient, query: unknown, options: { source?: SourceChoice; now?: Date }): Promise<ComparedReport> {
  const { q, range, dims, properties } = parseSpendQuery(query);
  const now = options.now ?? new Date();
  const [current, start] = await Promise.all([spendForRange(db, range, q, { source: options.source, dims, properties }), dataStart(db)]);
  const coverage = coverageOf(range, start, now);
  if (q.compare !== "previous") return { ...current, coverage };
  const prevRange = previousRange(range);
  // the previous period is bucketed like the current one, so its series (not returned) costs the same
  const previous = await spendForRange(
    db,
    prevRange,
    { ...q, interval: current.interval as typeof q.interval },
    { source: options.source, dims, properties },
  );
  const prevCoverage = coverageOf(prevRange, start, now);
  const comparable = isComplete(range, coverage) && isComplete(prevRange, prevCoverage);
  return withPrevious(current, previous, prevRange, coverage, prevCoverage, comparable);
}

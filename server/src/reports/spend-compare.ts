import type { PrismaClient } from "../db/client.ts";
import type { TimeRange } from "./query.ts";
import type { SpendFigures, SpendReport } from "./spend-report.ts";
import { figures } from "./spend-report.ts";

/**
 * The period a report is compared with (`compare=previous`):
 * - a range starting at 00:00 UTC on the 1st of a month is moved back by whole calendar months — as many
 *   as it spans, rounded up — keeping its offsets: a month → the month before, a quarter → the quarter
 *   before, month to date (Dec 1 – Dec 7 14:00) → Nov 1 – Nov 7 14:00, year to date → the same span of the
 *   year before. A day that does not exist in the earlier month is clamped to the month's last day.
 * - any other range → the range of equal length that ends where it starts.
 */
export function previousRange(range: TimeRange): TimeRange {
  const { from, to } = range;
  const monthStart = from.getUTCDate() === 1 && from.getTime() % 86_400_000 === 0;
  if (!monthStart) return { from: new Date(from.getTime() - (to.getTime() - from.getTime())), to: from };
  let months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  if (addMonths(from, months) < to) months += 1;
  const prevTo = addMonths(to, -months);
  return { from: addMonths(from, -months), to: prevTo > from ? from : prevTo };
}

/** `t` moved by `n` calendar months (UTC), its day clamped to the target month's last day. */
export function addMonths(t: Date, n: number): Date {
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth() + n;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(t.getUTCDate(), lastDay);
  return new Date(Date.UTC(y, m, day) + (((t.getTime() % 86_400_000) + 86_400_000) % 86_400_000));
}

export interface Coverage {
  from: string;
  to: string;
}

/**
 * Where recorded data starts: the earliest call kept, or the earliest rollup hour when rollups outlive
 * dropped call partitions (retention). Null when nothing was ever recorded.
 */
export async function dataStart(db: PrismaClient): Promise<Date | null> {
  // Two single-table statements (each runs on Citus as is), combined here.
  const [calls, rollups] = await Promise.all([
    db.$queryRaw<Array<{ start: Date | null }>>`SELECT min(started_at) AS start FROM calls`,
    db.$queryRaw<Array<{ start: Date | null }>>`SELECT min(hour) AS start FROM call_rollups_hourly`,
  ]);
  const t = calls[0]?.start ?? null;
  const hour = rollups[0]?.start ?? null;
  if (hour === null) return t;
  if (t === null) return hour;
  return hour.getTime() < Math.floor(t.getTime() / 3_600_000) * 3_600_000 ? hour : t;
}

/** The part of a range that holds data: from the later of its start and the data's, to the earlier of its end and now. */
export function coverageOf(range: TimeRange, start: Date | null, now: Date): Coverage | null {
  const from = start && start > range.from ? start : range.from;
  const to = now < range.to ? now : range.to;
  if (start === null || from >= to) return null;
  return { from: from.toISOString(), to: to.toISOString() };
}

export const isComplete = (range: TimeRange, c: Coverage | null): boolean =>
  c !== null && Date.parse(c.from) <= range.from.getTime() && Date.parse(c.to) >= range.to.getTime();

export interface ComparedReport extends Omit<SpendReport, "totals" | "groups"> {
  coverage: Coverage | null;
  totals: SpendFigures & { previous?: SpendFigures };
  groups: Array<SpendReport["groups"][number] & { previous?: SpendFigures }>;
  compare?: { from: string; to: string; coverage: Coverage | null; comparable: boolean };
}

/**
 * The current report with each group's (and the totals') figures of the previous period beside them. Groups
 * seen only in the previous period come last, with zero current figures, so the deltas add up to the totals'.
 */
export function withPrevious(
  current: SpendReport,
  previous: SpendReport,
  prevRange: TimeRange,
  coverage: ComparedReport["coverage"],
  prevCoverage: Coverage | null,
  comparable: boolean,
): ComparedReport {
  const prev = new Map(previous.groups.map((g) => [g.key, g]));
  const strip = (g: SpendReport["groups"][number] | undefined): SpendFigures => {
    if (!g) return figures(undefined);
    const { key: _k, keys: _ks, ...f } = g;
    return f;
  };
  const groups = current.groups.map((g) => ({ ...g, previous: strip(prev.get(g.key)) }));
  const seen = new Set(current.groups.map((g) => g.key));
  for (const g of previous.groups)
    if (!seen.has(g.key)) groups.push({ ...figures(undefined), key: g.key, keys: g.keys, previous: strip(g) });
  return {
    ...current,
    coverage,
    totals: { ...current.totals, previous: previous.totals },
    groups,
    compare: { from: prevRange.from.toISOString(), to: prevRange.to.toISOString(), coverage: prevCoverage, comparable },
  };
}

// Pivoting the API's long series rows ({bucket, group, value}) into the wide rows recharts draws
// ({bucket, groupA: v, groupB: v}), filling every bucket of the range.
//
// Zero vs gap: a bucket with no calls has zero cost and zero calls (pivotSums fills 0), but it has no
// latency percentile or error rate at all (pivotPoints / pivotRatios fill null, drawn as a gap).
import { bucketKey } from "./buckets.ts";
import { formatDecimal, parseDecimal } from "./money.ts";
import { categoryOf } from "./topn.ts";

/** The key holding the bucket start in every pivoted row. Underscores keep it apart from group names. */
export const INDEX = "__bucket";

export type ChartRow = Record<string, string | number | null>;

interface PivotOptions<R> {
  buckets: readonly string[];
  categories: readonly string[];
  bucketOf: (row: R) => string;
  groupOf: (row: R) => string;
}

function emptyRows(buckets: readonly string[], categories: readonly string[], fill: 0 | null): Map<string, ChartRow> {
  const rows = new Map<string, ChartRow>();
  for (const b of buckets) {
    const row: ChartRow = { [INDEX]: b };
    for (const c of categories) row[c] = fill;
    rows.set(b, row);
  }
  return rows;
}

/**
 * Additive figures (cost, calls, tokens, failures): values are summed exactly per bucket and category
 * (groups beyond the categories go to OTHER when it is one), missing cells are 0.
 * Rows outside the buckets are ignored.
 */
export function pivotSums<R>(rows: readonly R[], opts: PivotOptions<R> & { valueOf: (row: R) => string | number | null }): ChartRow[] {
  const sums = new Map<string, Map<string, bigint>>();
  for (const r of rows) {
    const b = bucketKey(opts.bucketOf(r));
    const c = categoryOf(opts.groupOf(r), opts.categories);
    const v = opts.valueOf(r);
    if (c === null || v === null) continue;
    const cell = sums.get(b) ?? new Map<string, bigint>();
    cell.set(c, (cell.get(c) ?? 0n) + parseDecimal(v));
    sums.set(b, cell);
  }
  const out = emptyRows(opts.buckets, opts.categories, 0);
  for (const [b, cells] of sums) {
    const row = out.get(b);
    if (!row) continue;
    for (const [c, v] of cells) row[c] = Number(formatDecimal(v));
  }
  return [...out.values()];
}

/**
 * Non-additive figures (percentiles): one value per bucket and group, taken as is; groups outside the
 * categories are dropped (percentiles cannot be merged) and missing cells are null (a gap).
 */
export function pivotPoints<R>(rows: readonly R[], opts: PivotOptions<R> & { valueOf: (row: R) => number | null }): ChartRow[] {
  const out = emptyRows(opts.buckets, opts.categories, null);
  for (const r of rows) {
    const row = out.get(bucketKey(opts.bucketOf(r)));
    const g = opts.groupOf(r);
    if (!row || !(g in row) || !opts.categories.includes(g)) continue;
    row[g] = opts.valueOf(r);
  }
  return [...out.values()];
}

/**
 * Rates (failures / calls): numerator and denominator are summed per bucket and category (OTHER
 * included) and divided; a cell with no calls is null (a gap), not a 0% rate.
 */
export function pivotRatios<R>(
  rows: readonly R[],
  opts: PivotOptions<R> & { numerator: (row: R) => number; denominator: (row: R) => number },
): ChartRow[] {
  const nums = pivotSums(rows, { ...opts, valueOf: opts.numerator });
  const dens = pivotSums(rows, { ...opts, valueOf: opts.denominator });
  return nums.map((num, i) => {
    const den = dens[i] ?? {};
    const row: ChartRow = { [INDEX]: num[INDEX] ?? null };
    for (const c of opts.categories) {
      const d = Number(den[c] ?? 0);
      row[c] = d > 0 ? Number(num[c] ?? 0) / d : null;
    }
    return row;
  });
}

/** Flattens per-row outcome maps ({byOutcome: {ok: 3, timeout: 1}}) into long rows for pivotSums. */
export function explodeOutcomes<R extends { bucket: string; byOutcome: Record<string, number> }>(
  rows: readonly R[],
  include: (outcome: string) => boolean,
): Array<{ bucket: string; outcome: string; count: number }> {
  return rows.flatMap((r) =>
    Object.entries(r.byOutcome)
      .filter(([o]) => include(o))
      .map(([outcome, count]) => ({ bucket: r.bucket, outcome, count })),
  );
}

/** Turns several figures of each row into long rows, one per figure ({bucket, kind: "output", value}). */
export function explodeFields<R extends { bucket: string }>(
  rows: readonly R[],
  fields: Record<string, (row: R) => number>,
): Array<{ bucket: string; kind: string; value: number }> {
  return rows.flatMap((r) => Object.entries(fields).map(([kind, get]) => ({ bucket: r.bucket, kind, value: get(r) })));
}

/** Every drawn value of the rows (nulls and non-numbers left out): what a chart's value formatter is fitted to. */
export function chartValues(rows: readonly ChartRow[], categories: readonly string[]): number[] {
  return rows.flatMap((r) => categories.map((c) => r[c]).filter((v): v is number => typeof v === "number" && Number.isFinite(v)));
}

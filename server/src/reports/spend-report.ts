import { z } from "zod";
import type { PrismaClient } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { canonicalDecimal, compare } from "../lib/decimal.ts";
import { bucketSql, groupByPositions, planLegs, planSource, rawRangeLeg, sumsSql, type Leg, type SourceChoice } from "./report-source.ts";
import { dailyRollupLegs, type SpendLeg } from "./spend-daily-rollups.ts";
import { addRow, addSums, emptySums, entry, sumColumns, type SumColumns, type Sums } from "./sum-rows.ts";
import { filterSchema, INTERVALS, parseQuery, resolveInterval, resolveRange, type Interval, type TimeRange } from "./query.ts";
import { dimensionSql, joinKey, parseDimensions, parsePropertyFilters, rollupsServe, type Dimension } from "./spend-dimensions.ts";

export interface SpendFigures {
  costUsd: string;
  /** the per-request and tool fees' part of costUsd */
  feesUsd: string;
  calls: number;
  unpricedCalls: number;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export type SpendGroup = SpendFigures & { key: string; keys: Record<string, string> };

export interface SpendReport {
  from: string;
  to: string;
  interval: string;
  groupBy: string;
  dimensions: Dimension[];
  totals: SpendFigures;
  groups: SpendGroup[];
  series: Array<SpendFigures & { bucket: string; group: string; keys: Record<string, string> }>;
}

export const spendSchema = filterSchema.extend({
  groupBy: z.string().max(300).optional(),
  interval: z.enum(INTERVALS).optional(),
  key: z.string().min(1).max(200).optional(),
  user: z.string().min(1).max(200).optional(),
  compare: z.enum(["previous"]).optional(),
});
export type SpendQuery = z.infer<typeof spendSchema>;

type SumRow = Partial<SumColumns>;

export function figures(r: SumRow | undefined): SpendFigures {
  return {
    costUsd: canonicalDecimal(r?.cost_usd ?? "0"),
    feesUsd: canonicalDecimal(r?.fees_usd ?? "0"),
    calls: Number(r?.calls ?? 0),
    unpricedCalls: Number(r?.unpriced_calls ?? 0),
    inputTokens: Number(r?.input_tokens ?? 0),
    cachedInputTokens: Number(r?.cached_input_tokens ?? 0),
    cacheWriteTokens: Number(r?.cache_write_tokens ?? 0),
    outputTokens: Number(r?.output_tokens ?? 0),
    reasoningTokens: Number(r?.reasoning_tokens ?? 0),
  };
}

/** A leg's row: the bucket, up to three dimension values, the sums. */
type LegRow = SumColumns & { bucket: Date; d0: string; d1?: string; d2?: string };

/** The value of a dimension a call does not have. */
const NONE = "(none)";
/** The group of every group a top-N report does not keep (reports/top-groups.ts). */
const OTHER = "(other)";

/** Filters on the columns only calls have (key_id, user, properties), for the raw calls a report reads. */
function rawExtra(q: SpendQuery, properties: Record<string, string>): Prisma.Sql[] {
  const extra: Prisma.Sql[] = [];
  if (q.key !== undefined) extra.push(Prisma.sql`key_id = ${q.key}`);
  if (q.user !== undefined) extra.push(Prisma.sql`"user" = ${q.user}`);
  // one containment test for every property filter: jsonb @> can use a GIN index if one is ever added
  if (Object.keys(properties).length > 0) extra.push(Prisma.sql`properties @> ${JSON.stringify(properties)}::jsonb`);
  return extra;
}

/**
 * Where a spend report reads: the call rollups when they carry every dimension and filter; the daily rollups
 * per user or per property (spend-daily-rollups.ts) for the whole days of a day- or month-bucketed range
 * grouped or filtered by user or one property; otherwise the raw calls of the range (docs/api.md gives the
 * cost).
 */
function spendLegs(
  range: TimeRange,
  q: SpendQuery,
  dims: Dimension[],
  properties: Record<string, string>,
  interval: Interval,
  source?: SourceChoice,
): SpendLeg[] {
  const plain = (leg: Leg): SpendLeg => ({ leg, dim: (d) => dimensionSql(d, leg) });
  if (rollupsServe(dims, properties) && q.key === undefined && q.user === undefined) {
    return planLegs(planSource(range, "provider", source, interval), range, q).map(plain);
  }
  const extra = rawExtra(q, properties);
  const daily = source === "raw" ? null : dailyRollupLegs(range, q, dims, properties, interval, extra);
  return daily ?? [plain(rawRangeLeg(range, q, extra))];
}

/**
 * The spend of a range: per leg (raw calls, hourly and daily rollups) one plain GROUP BY bucket and
 * dimensions; series, groups and totals are then added up here, counts as bigints and money as exact
 * decimals, so they agree to the last digit (and every statement runs on Citus: docs/scaling.md).
 */
export async function spendForRange(
  db: PrismaClient,
  range: TimeRange,
  q: SpendQuery,
  options: SpendOptions & {
    /** false: groups and totals only (no series; one statement row per group instead of per group and bucket) */
    buckets?: boolean;
    /** only the groups with these dimension values (not with a property's "(none)" taken from all calls) */
    only?: string[][];
  },
): Promise<SpendReport> {
  const interval = resolveInterval(range, q.interval);
  const { dims, properties } = options;
  const legs = spendLegs(range, q, dims, properties, interval, options.source);
  const buckets = options.buckets !== false;
  const results = await Promise.all(
    legs.map(({ leg, dim }) => {
      const cols = [
        Prisma.sql`${buckets ? bucketSql(interval, leg.time) : Prisma.sql`${range.from}::timestamptz`} AS bucket`,
        ...dims.map((d, i) => Prisma.sql`${dim(d)} AS ${Prisma.raw(`d${i}`)}`),
      ];
      let where = leg.where;
      if (options.only) {
        const tuple = Prisma.sql`(${Prisma.join(dims.map((d) => dim(d)))})`;
        const kept = options.only.map((v) => Prisma.sql`(${Prisma.join(v)})`);
        where = kept.length === 0 ? Prisma.sql`false` : Prisma.sql`${where} AND ${tuple} IN (${Prisma.join(kept)})`;
      }
      return db.$queryRaw<LegRow[]>`SELECT ${Prisma.join(cols)}, ${sumsSql(leg)}
        FROM ${leg.table} WHERE ${where} ${groupByPositions(dims.length + 1)}`;
    }),
  );
  const values = (r: LegRow) => dims.map((_, i) => r[`d${i}` as "d0"] as string);
  const series = new Map<string, { bucket: Date; values: string[]; sums: Sums }>();
  const addTo = (bucket: Date, v: string[], r: LegRow, sign: 1 | -1) =>
    addRow(entry(series, `${bucket.getTime()}\u0000${v.join("\u0000")}`, () => ({ bucket, values: v, sums: emptySums() })).sums, r, sign);
  results.forEach((rows, i) => {
    const noneOf = legs[i]?.noneOf;
    for (const r of rows) {
      const v = values(r);
      addTo(r.bucket, v, r, 1);
      if (noneOf !== undefined)
        addTo(
          r.bucket,
          v.map((x, j) => (j === noneOf ? NONE : x)),
          r,
          -1,
        );
    }
  });
  // a "(none)" group whose every call had the property
  for (const [k, s] of series) if (s.sums.counts.calls === 0n) series.delete(k);
  const totals = emptySums();
  const groups = new Map<string, { values: string[]; sums: Sums }>();
  for (const s of series.values()) {
    addSums(entry(groups, s.values.join("\u0000"), () => ({ values: s.values, sums: emptySums() })).sums, s.sums);
    addSums(totals, s.sums);
  }
  const keysOf = (v: string[]) => Object.fromEntries(dims.map((d, i) => [d, v[i] as string]));
  const groupList = [...groups.values()].sort((a, b) => compare(b.sums.costUsd, a.sums.costUsd) || compareValues(a.values, b.values));
  const seriesList = buckets ? [...series.values()].map((s) => ({ ...s, key: joinKey(s.values) })) : [];
  seriesList.sort((a, b) => a.bucket.getTime() - b.bucket.getTime() || a.key.localeCompare(b.key));
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    interval,
    groupBy: dims.join(","),
    dimensions: dims,
    totals: figures(sumColumns(totals)),
    groups: groupList.map((g) => ({ key: joinKey(g.values), keys: keysOf(g.values), ...figures(sumColumns(g.sums)) })),
    series: seriesList.map((s) => ({
      bucket: s.bucket.toISOString(),
      group: s.key,
      keys: keysOf(s.values),
      ...figures(sumColumns(s.sums)),
    })),
  };
}

export interface SpendOptions {
  source?: SourceChoice;
  dims: Dimension[];
  properties: Record<string, string>;
}

/**
 * The series of the kept groups of a top-N report (`kept`: their dimension values) plus, per bucket, the rest
 * under OTHER (the bucket's total less the kept groups'): what keepTop folds a full series into, without
 * reading a series row per group and bucket (a month by user per day: 140,000 rows at 10M calls). Null
 * when a property's "(none)" is taken from all calls (its groups cannot be selected alone): then the full series.
 */
export async function keptSeries(
  db: PrismaClient,
  range: TimeRange,
  q: SpendQuery,
  options: SpendOptions & { kept: string[][] },
): Promise<SpendReport["series"] | null> {
  const legs = spendLegs(range, q, options.dims, options.properties, resolveInterval(range, q.interval), options.source);
  if (legs.some((l) => l.noneOf !== undefined)) return null;
  const [kept, all] = await Promise.all([
    spendForRange(db, range, q, { ...options, only: options.kept }),
    spendForRange(db, range, q, { ...options, dims: [] }),
  ]);
  const rest = new Map(all.series.map((s) => [s.bucket, sumsOf(s)]));
  for (const s of kept.series) {
    const r = rest.get(s.bucket);
    if (r) subtractSums(r, sumsOf(s));
  }
  const other = Object.fromEntries(options.dims.map((d) => [d, OTHER]));
  const series = [...kept.series];
  for (const [bucket, r] of rest) if (r.counts.calls !== 0n) series.push({ bucket, group: OTHER, keys: other, ...figures(sumColumns(r)) });
  return series;
}

function sumsOf(f: SpendFigures): Sums {
  const s = emptySums();
  addRow(s, {
    calls: String(f.calls),
    unpriced_calls: String(f.unpricedCalls),
    input_tokens: String(f.inputTokens),
    cached_input_tokens: String(f.cachedInputTokens),
    cache_write_tokens: String(f.cacheWriteTokens),
    output_tokens: String(f.outputTokens),
    reasoning_tokens: String(f.reasoningTokens),
    cost_usd: f.costUsd,
    fees_usd: f.feesUsd,
  });
  return s;
}

function subtractSums(s: Sums, other: Sums): void {
  addRow(s, sumColumns(other), -1);
}

/** Dimension values in code-point order, as the database's C collation sorts them. */
function compareValues(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** GET /api/spend's query: the range, dimensions and filters parsed, then the report of the range. */
export function parseSpendQuery(query: unknown): {
  q: SpendQuery;
  range: TimeRange;
  dims: Dimension[];
  properties: Record<string, string>;
} {
  const q = parseQuery(spendSchema, query);
  return { q, range: resolveRange(q), dims: parseDimensions(q.groupBy), properties: parsePropertyFilters(query) };
}

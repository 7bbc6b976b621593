import { z } from "zod";
import { sumDecimalStrings } from "../lib/decimal.ts";
import type { ComparedReport } from "./spend-compare.ts";
import type { SpendFigures } from "./spend-report.ts";

/**
 * Server-side top N for groupings with many values (a month by user can have tens of thousands of groups):
 * the N largest groups by the chosen metric are kept and every other group is folded into one OTHER group
 * whose figures are their exact sums — so groups still add up to the totals, which stay the SQL over the
 * calls. Series rows are folded per bucket the same way.
 */
export const OTHER = "(other)";
export const TOP_MAX = 1000;
export const TOP_BY = ["cost", "calls", "tokens"] as const;

export const topSchema = z.object({
  top: z.coerce.number().int().min(1).max(TOP_MAX).optional(),
  topBy: z.enum(TOP_BY).default("cost"),
});
export type TopQuery = z.infer<typeof topSchema>;

export interface TopInfo {
  n: number;
  by: (typeof TOP_BY)[number];
  /** how many groups the OTHER group holds (0: every group is shown) */
  otherGroups: number;
}

const INTEGER_FIELDS = [
  "calls",
  "unpricedCalls",
  "inputTokens",
  "cachedInputTokens",
  "cacheWriteTokens",
  "outputTokens",
  "reasoningTokens",
] as const;

/** The exact sum of figures: decimals for money, integers for counts. */
export function sumFigures(list: readonly SpendFigures[]): SpendFigures {
  const out = {
    costUsd: sumDecimalStrings(list.map((f) => f.costUsd)),
    feesUsd: sumDecimalStrings(list.map((f) => f.feesUsd)),
  } as SpendFigures;
  for (const k of INTEGER_FIELDS) out[k] = list.reduce((s, f) => s + f[k], 0);
  return out;
}

function figuresOf<T extends SpendFigures>(g: T): SpendFigures {
  const out = { costUsd: g.costUsd, feesUsd: g.feesUsd } as SpendFigures;
  for (const k of INTEGER_FIELDS) out[k] = g[k];
  return out;
}

function metric(by: TopQuery["topBy"], f: SpendFigures): number {
  if (by === "calls") return f.calls;
  if (by === "tokens") return f.inputTokens + f.outputTokens;
  return Number(f.costUsd);
}

/** The groups ranked by the metric, largest first; ties break on the key, so the same data always keeps the same groups. */
function ranked<G extends ComparedReport["groups"][number]>(groups: readonly G[], q: TopQuery): G[] {
  return [...groups].sort((a, b) => metric(q.topBy, b) - metric(q.topBy, a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The groups keepTop keeps (every group when there are at most N). */
export function keptGroups(report: Pick<ComparedReport, "groups">, q: TopQuery & { top: number }): ComparedReport["groups"] {
  return ranked(report.groups, q).slice(0, q.top);
}

/** The report with its groups cut to the top N (by cost, calls or tokens) plus OTHER. */
export function keepTop(report: ComparedReport, q: TopQuery & { top: number }): ComparedReport & { top: TopInfo } {
  if (report.groups.length <= q.top) return { ...report, top: { n: q.top, by: q.topBy, otherGroups: 0 } };
  const all = ranked(report.groups, q);
  const kept = all.slice(0, q.top);
  const rest = all.slice(q.top);
  const keptKeys = new Set(kept.map((g) => g.key));
  const otherKeys = Object.fromEntries(report.dimensions.map((d) => [d, OTHER]));
  const other: ComparedReport["groups"][number] = { key: OTHER, keys: otherKeys, ...sumFigures(rest.map(figuresOf)) };
  if (report.compare) other.previous = sumFigures(rest.map((g) => g.previous ?? sumFigures([])));
  const series: ComparedReport["series"] = [];
  const folded = new Map<string, SpendFigures[]>();
  for (const s of report.series) {
    if (keptKeys.has(s.group)) series.push(s);
    else {
      const list = folded.get(s.bucket) ?? [];
      list.push(figuresOf(s));
      folded.set(s.bucket, list);
    }
  }
  for (const [bucket, list] of folded) series.push({ bucket, group: OTHER, keys: otherKeys, ...sumFigures(list) });
  series.sort(
    (a, b) =>
      (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0) ||
      (a.group === OTHER ? 1 : b.group === OTHER ? -1 : a.group.localeCompare(b.group)),
  );
  return { ...report, groups: [...kept, other], series, top: { n: q.top, by: q.topBy, otherGroups: rest.length } };
}

// Keeping charts and tables readable: the N largest groups by name, the rest folded into "other".
import { decimalRatio, sumDecimals } from "./money.ts";

/** The key under which groups beyond the top N are shown. Parentheses keep it apart from real names. */
export const OTHER = "(other)";

/** How a group without a name (no user, no model) is shown. */
export const NONE = "(none)";

/** A group key as shown: empty or missing keys become NONE. */
export function groupLabel(key: string | null | undefined): string {
  return key === null || key === undefined || key === "" ? NONE : key;
}

/**
 * The categories a chart draws: the first `n` keys (the API sorts groups largest first), plus OTHER
 * when there are more.
 */
export function topCategories(keys: readonly string[], n: number): string[] {
  const unique = [...new Set(keys)];
  if (unique.length <= n) return unique;
  return [...unique.slice(0, n), OTHER];
}

/** Maps a group key to the category it is drawn under (itself, OTHER, or null when dropped). */
export function categoryOf(key: string, categories: readonly string[]): string | null {
  if (categories.includes(key) && key !== OTHER) return key;
  return categories.includes(OTHER) ? OTHER : null;
}

export interface ShareRow {
  key: string;
  costUsd: string;
  calls: number;
  /** calls with no matching price: their cost is missing from costUsd */
  unpricedCalls: number;
  /** costUsd / total, null when the total is zero */
  share: number | null;
  isOther: boolean;
}

/**
 * Top N groups by cost with each one's share of `totalUsd`, and one OTHER row summing the rest exactly.
 * Groups must already be sorted largest first (as the API returns them).
 */
export function shareTable(
  groups: ReadonlyArray<{ key: string; costUsd: string; calls: number; unpricedCalls?: number }>,
  totalUsd: string,
  n: number,
): ShareRow[] {
  const row = (key: string, costUsd: string, calls: number, unpricedCalls: number, isOther: boolean): ShareRow => ({
    key,
    costUsd,
    calls,
    unpricedCalls,
    share: decimalRatio(costUsd, totalUsd),
    isOther,
  });
  const top = groups.slice(0, n).map((g) => row(g.key, g.costUsd, g.calls, g.unpricedCalls ?? 0, false));
  const rest = groups.slice(n);
  if (rest.length === 0) return top;
  const restCost = sumDecimals(rest.map((g) => g.costUsd));
  const restCalls = rest.reduce((acc, g) => acc + g.calls, 0);
  const restUnpriced = rest.reduce((acc, g) => acc + (g.unpricedCalls ?? 0), 0);
  return [...top, row(`${OTHER} ${rest.length} more`, restCost, restCalls, restUnpriced, true)];
}

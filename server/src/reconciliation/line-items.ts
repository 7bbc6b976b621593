import type { LineItemGroup } from "../reports/reconciliation-line-items-sql.ts";
import { measure, type Measure } from "./reasons.ts";

export const LINE_ITEMS = ["webSearchRequests", "audioInputTokens", "audioOutputTokens", "batchInputTokens", "batchOutputTokens"] as const;
export type LineItem = (typeof LINE_ITEMS)[number];

/** Each line item of a row on both sides: Tollgate's count, the provider's, and their difference. */
export type LineItems = Record<LineItem, Measure>;

interface Keyed {
  day: string;
  provider: string;
  model?: string;
  /** when the provider's report for the day was fetched: without it, the provider's side is unknown */
  fetchedAt: string | null;
}

const keyOf = (day: string, provider: string, key: string) => `${day}|${provider}|${key}`;

function index(groups: readonly LineItemGroup[]): Map<string, LineItemGroup> {
  const out = new Map<string, LineItemGroup>();
  for (const g of groups) out.set(keyOf(g.day.toISOString().slice(0, 10), g.provider, g.key), g);
  return out;
}

/**
 * Gives each row (day × provider, or × model) its line items: web search requests, audio and batch tokens,
 * Tollgate's against the provider's report, so every kind of usage the report itemises has a counterpart.
 */
export function withLineItems<T extends Keyed>(
  rows: readonly T[],
  tollgate: readonly LineItemGroup[],
  provider: readonly LineItemGroup[],
): Array<T & { lineItems: LineItems }> {
  const t = index(tollgate);
  const p = index(provider);
  return rows.map((row) => {
    const k = keyOf(row.day, row.provider, row.model ?? "");
    const tg = t.get(k);
    const pg = p.get(k);
    const lineItems = Object.fromEntries(
      LINE_ITEMS.map((item) => [item, measure(tg?.[item] ?? "0", pg ? pg[item] : row.fetchedAt ? "0" : null)]),
    ) as LineItems;
    return { ...row, lineItems };
  });
}

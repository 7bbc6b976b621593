import { z } from "zod";

/**
 * One page of the price table (thousands of seeded rows: the whole table is over a megabyte of JSON). The
 * table is small enough to read and sort in full per request (a few thousand rows, a few ms); only the page
 * is sent. `search` matches a substring of "provider model", case-insensitive.
 */
export const PRICES_PAGE_DEFAULT = 100;
export const PRICES_PAGE_MAX = 1000;

export const pricePageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(PRICES_PAGE_MAX).default(PRICES_PAGE_DEFAULT),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  search: z.string().max(200).default(""),
});
export type PricePageQuery = z.infer<typeof pricePageSchema>;

export interface PricePage<T> {
  rows: T[];
  /** rows matching the search, over every page */
  total: number;
  offset: number;
  limit: number;
  /** the offset of the next page; null on the last */
  nextOffset: number | null;
}

export function pagePrices<T extends { provider: string; model: string }>(sorted: readonly T[], q: PricePageQuery): PricePage<T> {
  const needle = q.search.trim().toLowerCase();
  const matching = needle ? sorted.filter((p) => `${p.provider} ${p.model}`.toLowerCase().includes(needle)) : sorted;
  const end = q.offset + q.limit;
  return {
    rows: matching.slice(q.offset, end),
    total: matching.length,
    offset: q.offset,
    limit: q.limit,
    nextOffset: end < matching.length ? end : null,
  };
}

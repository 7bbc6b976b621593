import type { ProviderConfig } from "../providers/provider-config.ts";
import type { PriceBook } from "../pricing/price-book.ts";
import { providerCandidates } from "../pricing/model-names.ts";
import type { PriceRow } from "../pricing/price-row.ts";

/**
 * The model names the price table knows for the configured providers (their price providers and the
 * price source's aliases for them): the model of every exact and prefix row, as clients send them. Pattern
 * rows (regex, contains, suffix) match unbounded sets of names, so they reserve nothing. Rebuilt when the
 * price book reloads (a new rows array); a lookup is one Set test.
 */
export function knownModels(book: PriceBook, providers: Iterable<ProviderConfig>): (model: string) => boolean {
  const sources = new Set<string>();
  for (const p of providers) for (const c of providerCandidates(p.priceProvider)) sources.add(c);
  let rows: readonly PriceRow[] | null = null;
  let names = new Set<string>();
  return (model) => {
    if (book.rows !== rows) {
      rows = book.rows;
      names = new Set();
      for (const r of rows)
        if ((r.matchType === "exact" || r.matchType === "prefix") && sources.has(r.provider.toLowerCase())) names.add(r.model);
    }
    return names.has(model);
  };
}

import type { PriceRow } from "../../../server/src/pricing/price-row.ts";

let next = 0;

/** A price row for tests: exact match, standard tier, effective from the beginning unless given. */
export function priceRow(partial: Partial<PriceRow> & Pick<PriceRow, "provider" | "model">): PriceRow {
  next += 1;
  return {
    id: `test-${next}`,
    matchType: "exact",
    serviceTier: null,
    effectiveFrom: new Date("1970-01-01T00:00:00Z"),
    inputUsdPerMTok: "1",
    cachedInputUsdPerMTok: null,
    cacheWriteUsdPerMTok: null,
    cacheWrite1hUsdPerMTok: null,
    outputUsdPerMTok: "2",
    tiers: null,
    source: "test",
    ...partial,
  };
}

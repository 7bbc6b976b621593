import { describe, expect, it } from "vitest";
import { emptyDraft, validatePriceDraft } from "../../../dashboard/src/lib/price-form.ts";

const draft = { ...emptyDraft("2026-11-26T14:05:00.000Z", "openai", "gpt-9"), inputUsdPerMTok: "1.25", outputUsdPerMTok: "10" };

describe("validatePriceDraft", () => {
  it("builds the row to POST, with optional prices as null", () => {
    expect(validatePriceDraft({ ...draft, cachedInputUsdPerMTok: " 0.125 " })).toEqual({
      price: {
        provider: "openai",
        model: "gpt-9",
        matchType: "exact",
        serviceTier: null,
        effectiveFrom: "2026-11-26T14:05:00.000Z",
        inputUsdPerMTok: "1.25",
        cachedInputUsdPerMTok: "0.125",
        cacheWriteUsdPerMTok: null,
        cacheWrite1hUsdPerMTok: null,
        outputUsdPerMTok: "10",
        tiers: null,
      },
    });
  });
  it("names every problem", () => {
    const result = validatePriceDraft({
      ...draft,
      provider: " ",
      inputUsdPerMTok: "1,25",
      outputUsdPerMTok: "",
      cacheWriteUsdPerMTok: "-1",
      effectiveFrom: "",
      matchType: "fuzzy",
    });
    expect(result).toEqual({
      errors: {
        provider: "required",
        inputUsdPerMTok: "a decimal number of dollars, e.g. 0.15",
        outputUsdPerMTok: "required",
        cacheWriteUsdPerMTok: "cannot be negative",
        effectiveFrom: "a date and time (UTC)",
        matchType: "one of exact, prefix, suffix, contains, regex",
      },
    });
  });
});

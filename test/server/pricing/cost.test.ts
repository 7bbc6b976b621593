import { describe, expect, it } from "vitest";
import { costFor, priceCall, ratesFor } from "../../../server/src/pricing/cost.ts";
import { PriceBook } from "../../../server/src/pricing/price-book.ts";
import { usage } from "../../../server/src/domain/usage.ts";
import { priceRow } from "./fixtures.ts";

const sonnet45 = priceRow({
  provider: "anthropic",
  model: "claude-sonnet-4-5",
  matchType: "prefix",
  inputUsdPerMTok: "3",
  cachedInputUsdPerMTok: "0.3",
  cacheWriteUsdPerMTok: "3.75",
  cacheWrite1hUsdPerMTok: "6",
  outputUsdPerMTok: "15",
  tiers: [
    {
      aboveInputTokens: 200_000,
      inputUsdPerMTok: "6",
      cachedInputUsdPerMTok: "0.6",
      cacheWriteUsdPerMTok: "7.5",
      cacheWrite1hUsdPerMTok: "12",
      outputUsdPerMTok: "22.5",
    },
  ],
});
const gpt4oMini = priceRow({
  provider: "openai",
  model: "gpt-4o-mini",
  inputUsdPerMTok: "0.15",
  cachedInputUsdPerMTok: "0.075",
  outputUsdPerMTok: "0.6",
});

describe("costFor", () => {
  it("prices claude-sonnet-4.5 with reads, 5m and 1h writes (hand-computed)", () => {
    // 1,000 uncached + 2,000 cache-read + 500 5m-write + 300 1h-write input, 400 output:
    // 1000×3 + 2000×0.30 + 500×3.75 + 300×6 + 400×15 = 3000 + 600 + 1875 + 1800 + 6000 = 13,275 µ$ ⇒ $0.013275
    const u = usage({ inputTokens: 3_800, cachedInputTokens: 2_000, cacheWriteTokens: 800, cacheWrite1hTokens: 300, outputTokens: 400 });
    expect(costFor(sonnet45, u).costUsd).toBe("0.013275");
  });

  it("prices gpt-4o-mini with cached tokens (hand-computed)", () => {
    // 6,000 × 0.15 + 4,000 × 0.075 + 1,000 × 0.60 = 900 + 300 + 600 = 1,800 µ$
    const u = usage({ inputTokens: 10_000, cachedInputTokens: 4_000, outputTokens: 1_000, reasoningTokens: 300 });
    expect(costFor(gpt4oMini, u).costUsd).toBe("0.0018");
  });

  it("charges every token at the tier rate once total input exceeds the threshold", () => {
    // 250,000 input of which 50,000 cached, 1,000 output, all at the >200k rates:
    // 200,000 × 6 + 50,000 × 0.6 + 1,000 × 22.5 = 1,200,000 + 30,000 + 22,500 = 1,252,500 µ$
    expect(costFor(sonnet45, usage({ inputTokens: 250_000, cachedInputTokens: 50_000, outputTokens: 1_000 })).costUsd).toBe("1.2525");
    // exactly at the threshold is not above it
    expect(costFor(sonnet45, usage({ inputTokens: 200_000 })).costUsd).toBe("0.6");
    expect(costFor(sonnet45, usage({ inputTokens: 200_001 })).costUsd).toBe("1.200006");
  });

  it("picks the highest tier exceeded and keeps rates a tier leaves out", () => {
    const p = priceRow({
      provider: "x",
      model: "m",
      inputUsdPerMTok: "1",
      cachedInputUsdPerMTok: "0.1",
      outputUsdPerMTok: "2",
      tiers: [
        { aboveInputTokens: 1000, inputUsdPerMTok: "3" },
        { aboveInputTokens: 100, inputUsdPerMTok: "2", outputUsdPerMTok: "4" },
      ],
    });
    expect(ratesFor(p, 50).inputUsdPerMTok).toBe("1");
    expect(ratesFor(p, 500)).toMatchObject({ inputUsdPerMTok: "2", outputUsdPerMTok: "4", cachedInputUsdPerMTok: "0.1" });
    expect(ratesFor(p, 5000)).toMatchObject({ inputUsdPerMTok: "3", outputUsdPerMTok: "2", cachedInputUsdPerMTok: "0.1" });
  });

  it("falls back to the input rate for cache reads and writes without their own price", () => {
    const p = priceRow({ provider: "x", model: "m", inputUsdPerMTok: "2", outputUsdPerMTok: "8" });
    // 1,000 input (300 cached, 200 written) all at 2, 100 output at 8 = 2000 + 800 µ$
    expect(costFor(p, usage({ inputTokens: 1_000, cachedInputTokens: 300, cacheWriteTokens: 200, outputTokens: 100 })).costUsd).toBe(
      "0.0028",
    );
    // 1h writes without a 1h rate are priced at the 5m write rate (as genai-prices does)
    const q = priceRow({ provider: "x", model: "m", inputUsdPerMTok: "2", cacheWriteUsdPerMTok: "2.5", outputUsdPerMTok: "8" });
    expect(costFor(q, usage({ inputTokens: 100, cacheWriteTokens: 100, cacheWrite1hTokens: 40 })).costUsd).toBe("0.00025");
  });

  it("stays exact for tiny rates and large counts, and clamps inconsistent usage", () => {
    const p = priceRow({ provider: "x", model: "m", inputUsdPerMTok: "0.0000000001", outputUsdPerMTok: "0.0000000003" });
    expect(costFor(p, usage({ inputTokens: 1, outputTokens: 1 })).costUsd).toBe("0.0000000000000004");
    expect(costFor(gpt4oMini, usage({ inputTokens: 2_000_000_000 })).costUsd).toBe("300");
    // more cached than input: never a negative uncached part
    expect(costFor(gpt4oMini, usage({ inputTokens: 100, cachedInputTokens: 500 })).costUsd).toBe("0.0000075");
  });

  it('costs zero usage at a known price as "0"', () => {
    expect(costFor(gpt4oMini, usage({})).costUsd).toBe("0");
  });
});

describe("priceCall", () => {
  const book = PriceBook.fromRows([gpt4oMini, sonnet45]);
  const at = new Date("2026-11-26T00:00:00Z");

  it("returns cost, price id and priced for a known model", () => {
    const r = priceCall(book, {
      provider: "openai",
      model: "gpt-4o-mini",
      startedAt: at,
      serviceTier: null,
      usage: usage({ inputTokens: 1_000_000 }),
    });
    expect(r).toEqual({ costUsd: "0.15", priceId: gpt4oMini.id, priced: true, serviceTierBasis: "standard" });
  });

  it("never prices an unknown model at $0", () => {
    const r = priceCall(book, { provider: "openai", model: "gpt-9", startedAt: at, serviceTier: null, usage: usage({ inputTokens: 10 }) });
    expect(r).toMatchObject({ costUsd: null, priceId: null, priced: false });
    expect(priceCall(book, { provider: "openai", model: null, startedAt: at, serviceTier: null, usage: usage({}) }).priced).toBe(false);
  });

  it('prices zero usage as "0" when the model is known', () => {
    const r = priceCall(book, { provider: "openai", model: "gpt-4o-mini", startedAt: at, serviceTier: null, usage: usage({}) });
    expect(r).toMatchObject({ costUsd: "0", priced: true });
  });

  it("tries the response model first, then the requested one (Azure deployments)", () => {
    const r = priceCall(book, {
      provider: "openai",
      model: "my-deployment",
      responseModel: "gpt-4o-mini-2024-07-18",
      startedAt: at,
      serviceTier: null,
      usage: usage({ outputTokens: 1_000_000 }),
    });
    expect(r).toMatchObject({ costUsd: "0.6", priced: true });
    const s = priceCall(book, {
      provider: "openai",
      model: "gpt-4o-mini",
      responseModel: "weird-name",
      startedAt: at,
      serviceTier: null,
      usage: usage({ outputTokens: 1_000_000 }),
    });
    expect(s).toMatchObject({ costUsd: "0.6", priced: true });
  });

  it("applies a documented service-tier multiplier, and says when it falls back", () => {
    const flex = priceCall(book, {
      provider: "openai",
      model: "gpt-4o-mini",
      startedAt: at,
      serviceTier: "flex",
      usage: usage({ inputTokens: 1_000_000, cachedInputTokens: 1_000_000 }),
    });
    expect(flex).toMatchObject({ costUsd: "0.0375", priceId: gpt4oMini.id, serviceTierBasis: "multiplier" });
    const priority = priceCall(book, {
      provider: "openai",
      model: "gpt-4o-mini",
      startedAt: at,
      serviceTier: "priority",
      usage: usage({ inputTokens: 1_000_000 }),
    });
    expect(priority).toMatchObject({ costUsd: "0.15", serviceTierBasis: "standard-fallback" });
    // Anthropic batch: half of every rate, long-context tier included (1.2525 / 2)
    const batch = priceCall(book, {
      provider: "anthropic",
      model: "claude-sonnet-4-5-20250929",
      startedAt: at,
      serviceTier: "batch",
      usage: usage({ inputTokens: 250_000, cachedInputTokens: 50_000, outputTokens: 1_000 }),
    });
    expect(batch).toMatchObject({ costUsd: "0.62625", priceId: sonnet45.id, serviceTierBasis: "multiplier" });
    const standard = priceCall(book, {
      provider: "openai",
      model: "gpt-4o-mini",
      startedAt: at,
      serviceTier: "default",
      usage: usage({ inputTokens: 1_000_000 }),
    });
    expect(standard).toMatchObject({ costUsd: "0.15", serviceTierBasis: "standard" });
  });
});

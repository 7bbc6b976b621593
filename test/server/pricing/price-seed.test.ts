import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PriceBook } from "../../../server/src/pricing/price-book.ts";
import { configPriceRow, parseCustomPrices, seedPrices } from "../../../server/src/pricing/price-seed.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const at = new Date("2026-11-26T12:00:00Z");

describe("seedPrices", () => {
  it("inserts the bundled genai-prices rows once, quickly, and is idempotent", async () => {
    const first = await seedPrices(db.pool);
    expect(first.inserted).toBe(first.sourceRows);
    expect(first.sourceRows).toBeGreaterThan(2000);
    expect(first.dailyWindowPrices).toBeGreaterThan(0);
    expect(first.ms).toBeLessThan(5_000);
    const second = await seedPrices(db.pool);
    expect(second.inserted).toBe(0);
    const { rows } = await db.pool.query<{ n: string }>("SELECT count(*)::text AS n FROM prices");
    expect(Number(rows[0]!.n)).toBe(first.sourceRows);
  });

  it("matches the providers' published reference prices through our provider ids", async () => {
    const book = await PriceBook.load(db.prisma);
    const rates = (provider: string, model: string) => {
      const p = book.priceFor(provider, model, at, null)?.price;
      return p && [p.inputUsdPerMTok, p.cachedInputUsdPerMTok, p.cacheWriteUsdPerMTok, p.outputUsdPerMTok];
    };
    expect(rates("openai", "gpt-4o-mini")).toEqual(["0.15", "0.075", null, "0.6"]);
    expect(rates("openai", "gpt-4o-mini-2024-07-18")).toEqual(["0.15", "0.075", null, "0.6"]);
    expect(rates("openai", "gpt-4o")).toEqual(["2.5", "1.25", null, "10"]);
    expect(rates("openai", "gpt-4.1")).toEqual(["2", "0.5", null, "8"]);
    expect(rates("openai", "gpt-5-mini")).toEqual(["0.25", "0.025", null, "2"]);
    expect(rates("openai", "text-embedding-3-small")?.[0]).toBe("0.02");
    expect(rates("azure", "gpt-4o-mini")).toEqual(["0.15", "0.075", null, "0.6"]);
    expect(rates("anthropic", "claude-sonnet-4-5-20250929")).toEqual(["3", "0.3", "3.75", "15"]);
    expect(book.priceFor("anthropic", "claude-sonnet-4-5", at, null)?.price.cacheWrite1hUsdPerMTok).toBe("6");
    expect(rates("anthropic", "claude-haiku-4-5")).toEqual(["1", "0.1", "1.25", "5"]);
    expect(rates("gemini", "gemini-2.5-flash")).toEqual(["0.3", "0.03", null, "2.5"]);
    expect(rates("gemini", "models/gemini-2.5-flash")).toEqual(["0.3", "0.03", null, "2.5"]);
    expect(rates("gemini", "gemini-2.5-pro")).toEqual(["1.25", "0.125", null, "10"]);
    expect(book.priceFor("gemini", "gemini-2.5-pro", at, null)?.price.tiers).toEqual([
      { aboveInputTokens: 200000, inputUsdPerMTok: "2.5", cachedInputUsdPerMTok: "0.25", outputUsdPerMTok: "15" },
    ]);
    expect(rates("mistral", "mistral-large-2512")).toEqual(["0.5", "0.05", null, "1.5"]);
    // o3's price cut on 2025-06-10 is a start date in the data
    expect(rates("openai", "o3")).toEqual(["2", "0.5", null, "8"]);
    expect(book.priceFor("openai", "o3", new Date("2025-06-01T00:00:00Z"), null)?.price.inputUsdPerMTok).toBe("10");
    expect(book.priceFor("openai", "gpt-9", at, null)).toBeNull();
  });

  it("validates config rows and upserts them in place when their rates change", async () => {
    expect(() => parseCustomPrices([{ provider: "vllm", model: "llama", effectiveFrom: "2026-01-01T00:00:00Z" }])).toThrow(
      /inputUsdPerMTok/,
    );
    expect(() =>
      parseCustomPrices([
        { provider: "vllm", model: "(", matchType: "regex", effectiveFrom: "2026-01-01", inputUsdPerMTok: "1", outputUsdPerMTok: "1" },
      ]),
    ).toThrow(/regular expression/);
    expect(() =>
      parseCustomPrices([
        { provider: "vllm", model: "x", effectiveFrom: "2026-01-01", inputUsdPerMTok: "0.12345678901", outputUsdPerMTok: "1" },
      ]),
    ).toThrow(/decimals/);
    await expect(seedPrices(db.pool, [{ provider: "vllm" }])).rejects.toThrow(/prices\.0\.model/);
    const custom = parseCustomPrices([
      { provider: "vllm", model: "llama-3.3-70b", effectiveFrom: "2026-01-01T00:00:00Z", inputUsdPerMTok: "0.2", outputUsdPerMTok: 0.6 },
    ]);
    const report = await seedPrices(db.pool, custom);
    expect(report).toMatchObject({ inserted: 0, configRows: 1, configChanged: 1 });
    expect((await seedPrices(db.pool, custom)).configChanged).toBe(0);
    const edited = parseCustomPrices([
      { provider: "vllm", model: "llama-3.3-70b", effectiveFrom: "2026-01-01T00:00:00Z", inputUsdPerMTok: "0.25", outputUsdPerMTok: "0.6" },
    ]);
    const book = await PriceBook.load(db.prisma);
    expect(await book.reload()).toBe(false); // nothing changed: no rebuild
    expect((await seedPrices(db.pool, edited)).configChanged).toBe(1);
    expect(await book.reload()).toBe(true);
    const p = book.priceFor("vllm", "llama-3.3-70b", at, null)?.price;
    expect(p).toMatchObject({ id: configPriceRow(edited[0]!).id, inputUsdPerMTok: "0.25", outputUsdPerMTok: "0.6", source: "config" });
  });
});

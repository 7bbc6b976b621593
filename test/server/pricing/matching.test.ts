import { describe, expect, it } from "vitest";
import { modelNameVariants, providerCandidates } from "../../../server/src/pricing/model-names.ts";
import { PriceBook } from "../../../server/src/pricing/price-book.ts";
import { priceRow } from "./fixtures.ts";

const at = new Date("2026-11-26T12:00:00Z");

describe("model name variants", () => {
  it("strips prefixes, versions, -latest and dated snapshots, most specific first", () => {
    expect(modelNameVariants("gpt-4o-mini-2024-07-18")).toEqual(["gpt-4o-mini-2024-07-18", "gpt-4o-mini"]);
    expect(modelNameVariants("claude-sonnet-4-5-20250929")).toEqual([
      "claude-sonnet-4-5-20250929",
      "claude-sonnet-4-5-2025-09-29",
      "claude-sonnet-4-5",
    ]);
    expect(modelNameVariants("models/Gemini-2.5-Flash")).toEqual(["models/gemini-2.5-flash", "gemini-2.5-flash"]);
    expect(modelNameVariants("gemini/gemini-2.5-flash-latest")).toEqual([
      "gemini/gemini-2.5-flash-latest",
      "gemini-2.5-flash-latest",
      "gemini-2.5-flash",
    ]);
    expect(modelNameVariants("claude-sonnet-4-5@20250929")).toEqual(["claude-sonnet-4-5@20250929", "claude-sonnet-4-5"]);
    expect(modelNameVariants("mistral-large-2411")).toEqual(["mistral-large-2411", "mistral-large"]);
  });

  it("maps our provider ids to the price source's", () => {
    expect(providerCandidates("gemini")).toEqual(["gemini", "google"]);
    expect(providerCandidates("azure")).toEqual(["azure", "openai"]);
    expect(providerCandidates("OpenAI")).toEqual(["openai"]);
    expect(providerCandidates("vllm", { vllm: ["openai"] })).toEqual(["vllm", "openai"]);
  });
});

describe("PriceBook matching", () => {
  const rows = {
    mini: priceRow({ provider: "openai", model: "gpt-4o-mini", inputUsdPerMTok: "0.15" }),
    gpt4: priceRow({ provider: "openai", model: "gpt-4", matchType: "prefix" }),
    gpt4o: priceRow({ provider: "openai", model: "gpt-4o", matchType: "prefix" }),
    sonnet: priceRow({ provider: "anthropic", model: "claude-sonnet-4-5", matchType: "prefix" }),
    flash: priceRow({ provider: "google", model: "gemini-2.5-flash" }),
    ownGemini: priceRow({ provider: "gemini", model: "gemini-9", effectiveFrom: new Date("2026-01-01T00:00:00Z") }),
    llama: priceRow({ provider: "groq", model: "^llama-3\\.\\d+-(8|70)b", matchType: "regex" }),
    tts: priceRow({ provider: "openai", model: "-tts", matchType: "suffix" }),
    broken: priceRow({ provider: "openai", model: "(?P<x>bad", matchType: "regex" }),
  };
  const book = PriceBook.fromRows(Object.values(rows));
  const id = (provider: string, model: string) => book.priceFor(provider, model, at, null)?.price.id ?? null;

  it("matches exact names, case-insensitively", () => {
    expect(id("openai", "gpt-4o-mini")).toBe(rows.mini.id);
    expect(id("openai", "GPT-4o-Mini")).toBe(rows.mini.id);
  });

  it("prefers an exact row for a snapshot's base name over a broader prefix", () => {
    expect(id("openai", "gpt-4o-mini-2024-07-18")).toBe(rows.mini.id);
    expect(id("openai", "gpt-4o-mini-2099-01-01")).toBe(rows.mini.id);
  });

  it("uses the longest matching prefix", () => {
    expect(id("openai", "gpt-4o-audio-preview")).toBe(rows.gpt4o.id);
    expect(id("openai", "gpt-4-turbo")).toBe(rows.gpt4.id);
    expect(id("anthropic", "claude-sonnet-4-5-20250929")).toBe(rows.sonnet.id);
  });

  it("matches regex and suffix rows; an uncompilable pattern is reported, not fatal", () => {
    expect(id("groq", "llama-3.1-8b-instant")).toBe(rows.llama.id);
    expect(id("groq", "llama-3.1-405b")).toBeNull();
    // prefix rows are tried before other patterns
    expect(id("openai", "gpt-4o-mini-tts")).toBe(rows.gpt4o.id);
    expect(id("openai", "whisper-tts")).toBe(rows.tts.id);
    expect(book.unusableRows.map((r) => r.id)).toEqual([rows.broken.id]);
  });

  it("maps gemini to google and strips models/ and gemini/ prefixes and -latest", () => {
    for (const name of ["gemini-2.5-flash", "models/gemini-2.5-flash", "gemini/gemini-2.5-flash", "gemini-2.5-flash-latest"])
      expect(id("gemini", name)).toBe(rows.flash.id);
  });

  it("falls through to the alias provider when its own row is not yet effective", () => {
    expect(id("gemini", "gemini-9")).toBe(rows.ownGemini.id);
    expect(book.priceFor("gemini", "gemini-9", new Date("2025-06-01T00:00:00Z"), null)).toBeNull();
  });

  it("lets Azure fall back to OpenAI's prices", () => {
    expect(id("azure", "gpt-4o-mini")).toBe(rows.mini.id);
  });

  it("returns null for unknown models and providers", () => {
    expect(id("openai", "gpt-9")).toBeNull();
    expect(id("nobody", "gpt-4o-mini")).toBeNull();
  });

  it("stays correct when the resolved-name cache is tiny", () => {
    const small = PriceBook.fromRows(Object.values(rows), { resolvedCacheSize: 2 });
    for (let i = 0; i < 3; i++) {
      expect(small.priceFor("openai", "gpt-4o-mini", at, null)?.price.id).toBe(rows.mini.id);
      expect(small.priceFor("openai", `unknown-${i}`, at, null)).toBeNull();
      expect(small.priceFor("anthropic", "claude-sonnet-4-5-20250929", at, null)?.price.id).toBe(rows.sonnet.id);
    }
  });
});

describe("PriceBook effective dating and service tiers", () => {
  const old = priceRow({ provider: "openai", model: "o3", effectiveFrom: new Date("2025-01-01T00:00:00Z"), inputUsdPerMTok: "10" });
  const cut = priceRow({ provider: "openai", model: "o3", effectiveFrom: new Date("2025-06-10T00:00:00Z"), inputUsdPerMTok: "2" });
  const manualSameDay = priceRow({
    provider: "openai",
    model: "o3",
    effectiveFrom: new Date("2025-06-10T00:00:00Z"),
    inputUsdPerMTok: "2.1",
    source: "manual",
  });
  const priority = priceRow({
    provider: "openai",
    model: "o3",
    serviceTier: "priority",
    effectiveFrom: new Date("2025-01-01T00:00:00Z"),
    inputUsdPerMTok: "3.5",
  });
  const book = PriceBook.fromRows([cut, old, priority, manualSameDay]);

  it("uses the newest row effective at the call's start", () => {
    expect(book.priceFor("openai", "o3", new Date("2025-06-09T23:59:59.999Z"), null)?.price.id).toBe(old.id);
    expect(book.priceFor("openai", "o3", new Date("2024-12-31T00:00:00Z"), null)).toBeNull();
  });

  it("prefers a manual row over the seeded one on the same date", () => {
    expect(book.priceFor("openai", "o3", new Date("2025-06-10T00:00:00Z"), null)?.price.id).toBe(manualSameDay.id);
  });

  it("uses a tier's own row, else the standard one", () => {
    expect(book.priceFor("openai", "o3", at, "priority")).toMatchObject({ price: { id: priority.id }, serviceTierBasis: "tier-row" });
    expect(book.priceFor("openai", "o3", at, "flex")).toMatchObject({
      price: { id: manualSameDay.id, inputUsdPerMTok: "1.05" },
      serviceTierBasis: "multiplier",
      multiplier: "0.5",
    });
    expect(book.priceFor("openai", "o3", at, "scale")).toMatchObject({
      price: { id: manualSameDay.id },
      serviceTierBasis: "standard-fallback",
    });
    expect(book.priceFor("openai", "o3", at, "standard")).toMatchObject({ serviceTierBasis: "standard" });
  });
});

describe("PriceBook daily windows (time-of-day prices)", () => {
  const base = { provider: "deepseek", model: "deepseek-v4-flash", matchType: "prefix" as const };
  const flat = priceRow({ ...base, inputUsdPerMTok: "0.14" });
  const offPeak = priceRow({ ...base, effectiveFrom: new Date("2026-08-17T00:00:00Z"), inputUsdPerMTok: "0.22" });
  const peak1 = priceRow({
    ...base,
    effectiveFrom: new Date("2026-08-17T00:00:00Z"),
    inputUsdPerMTok: "0.44",
    dailyStartUtc: "01:00:00",
    dailyEndUtc: "04:00:00",
  });
  const night = priceRow({ provider: "deepseek", model: "deepseek-chat", inputUsdPerMTok: "0.135" });
  const day = priceRow({
    provider: "deepseek",
    model: "deepseek-chat",
    inputUsdPerMTok: "0.27",
    dailyStartUtc: "00:30:00",
    dailyEndUtc: "16:30:00",
  });
  const wrap = priceRow({ provider: "x", model: "m", inputUsdPerMTok: "9", dailyStartUtc: "22:00:00", dailyEndUtc: "02:00:00" });
  const wrapBase = priceRow({ provider: "x", model: "m", inputUsdPerMTok: "1" });
  const book = PriceBook.fromRows([flat, offPeak, peak1, night, day, wrap, wrapBase]);
  const input = (provider: string, model: string, iso: string) =>
    book.priceFor(provider, model, new Date(iso), null)?.price.inputUsdPerMTok;

  it("uses a window's row inside the window and the all-day row outside it", () => {
    expect(input("deepseek", "deepseek-v4-flash", "2026-09-01T01:00:00Z")).toBe("0.44");
    expect(input("deepseek", "deepseek-v4-flash", "2026-09-01T03:59:59Z")).toBe("0.44");
    expect(input("deepseek", "deepseek-v4-flash", "2026-09-01T04:00:00Z")).toBe("0.22");
    expect(input("deepseek", "deepseek-v4-flash", "2026-08-01T02:00:00Z")).toBe("0.14"); // before the change
    expect(input("deepseek", "deepseek-chat", "2026-09-01T00:29:59Z")).toBe("0.135");
    expect(input("deepseek", "deepseek-chat", "2026-09-01T00:30:00Z")).toBe("0.27");
    expect(input("deepseek", "deepseek-chat", "2026-09-01T16:30:00Z")).toBe("0.135");
  });

  it("handles windows that wrap past midnight", () => {
    expect(input("x", "m", "2026-09-01T23:00:00Z")).toBe("9");
    expect(input("x", "m", "2026-09-01T01:59:59Z")).toBe("9");
    expect(input("x", "m", "2026-09-01T02:00:00Z")).toBe("1");
    expect(input("x", "m", "2026-09-01T21:59:59Z")).toBe("1");
  });

  it("lets a newer all-day row supersede older windows", () => {
    const newer = priceRow({
      provider: "deepseek",
      model: "deepseek-chat",
      effectiveFrom: new Date("2027-01-01T00:00:00Z"),
      inputUsdPerMTok: "0.2",
      source: "manual",
    });
    const b = PriceBook.fromRows([night, day, newer]);
    expect(b.priceFor("deepseek", "deepseek-chat", new Date("2027-02-01T10:00:00Z"), null)?.price.id).toBe(newer.id);
    expect(b.priceFor("deepseek", "deepseek-chat", new Date("2026-12-01T10:00:00Z"), null)?.price.id).toBe(day.id);
  });
});

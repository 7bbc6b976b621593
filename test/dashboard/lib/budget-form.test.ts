import { describe, expect, it } from "vitest";
import { parseUsdInput, validateBudgetDraft, validateKeyDraft } from "../../../dashboard/src/lib/budget-form.ts";

const NOW = Date.parse("2026-11-26T12:00:00.000Z");

describe("parseUsdInput", () => {
  it("reads amounts as people type them into the API's canonical decimal", () => {
    expect(parseUsdInput("250")).toEqual({ usd: "250" });
    expect(parseUsdInput(" $1,250.50 ")).toEqual({ usd: "1250.5" });
    expect(parseUsdInput("0099.9900")).toEqual({ usd: "99.99" });
    expect(parseUsdInput(".5")).toEqual({ usd: "0.5" });
    expect(parseUsdInput("0")).toEqual({ usd: "0" });
    expect(parseUsdInput("9999999999.0000000001")).toEqual({ usd: "9999999999.0000000001" });
  });
  it("names what is wrong", () => {
    expect(parseUsdInput("  ")).toEqual({ error: "required" });
    expect(parseUsdInput("-5")).toEqual({ error: "cannot be negative" });
    expect(parseUsdInput("1,25")).toEqual({ error: "a dollar amount, e.g. 250 or 99.50" });
    expect(parseUsdInput("1e3")).toEqual({ error: "a dollar amount, e.g. 250 or 99.50" });
    expect(parseUsdInput(".")).toEqual({ error: "a dollar amount, e.g. 250 or 99.50" });
    expect(parseUsdInput("12345678901")).toEqual({ error: "at most $9,999,999,999" });
    expect(parseUsdInput("1.00000000001")).toEqual({ error: "at most 10 decimal places" });
    expect(parseUsdInput("1.10000000000")).toEqual({ usd: "1.1" }); // trailing zeros do not count
  });
});

describe("validateBudgetDraft", () => {
  it("builds the PUT for a whole app or for one key", () => {
    expect(validateBudgetDraft({ app: " checkout ", keyId: "", monthlyUsd: "$250", action: "block", period: "month" })).toEqual({
      app: "checkout",
      input: { limitUsd: "250", period: "month", action: "block" },
    });
    expect(validateBudgetDraft({ app: "checkout", keyId: "k-1", monthlyUsd: "99.5", action: "alert", period: "day" })).toEqual({
      app: "checkout",
      input: { limitUsd: "99.5", period: "day", action: "alert", keyId: "k-1" },
    });
  });
  it("names every problem", () => {
    expect(validateBudgetDraft({ app: " ", keyId: "", monthlyUsd: "lots", action: "warn", period: "year" })).toEqual({
      errors: {
        app: "required",
        monthlyUsd: "a dollar amount, e.g. 250 or 99.50",
        action: "one of block, alert",
        period: "one of month, week, day",
      },
    });
    expect(validateBudgetDraft({ app: "x".repeat(201), keyId: "", monthlyUsd: "1", action: "block", period: "month" })).toEqual({
      errors: { app: "at most 200 characters" },
    });
  });
});

describe("validateKeyDraft", () => {
  it("builds the POST, leaving out what was not given", () => {
    expect(validateKeyDraft({ app: " search ", provider: "", expiresAt: "", endpoints: [] }, NOW)).toEqual({ key: { app: "search" } });
    expect(validateKeyDraft({ app: "search", provider: "openai", expiresAt: "2027-06-30T00:00", endpoints: [] }, NOW)).toEqual({
      key: { app: "search", provider: "openai", expiresAt: "2027-06-30T00:00:00.000Z" },
    });
    expect(validateKeyDraft({ app: "search", provider: "", expiresAt: "", endpoints: ["audio", "files"] }, NOW)).toEqual({
      key: { app: "search", endpoints: ["files", "audio"] },
    });
  });
  it("refuses a missing app, an odd provider and an expiry that is not in the future (UTC)", () => {
    expect(validateKeyDraft({ app: "", provider: "open ai", expiresAt: "2026-11-26T12:00", endpoints: [] }, NOW)).toEqual({
      errors: { app: "required", provider: "a provider name such as openai", expiresAt: "must be in the future" },
    });
    expect(validateKeyDraft({ app: "a", provider: "", expiresAt: "tomorrow", endpoints: [] }, NOW)).toEqual({
      errors: { expiresAt: "a date and time (UTC)" },
    });
    expect(validateKeyDraft({ app: "a", provider: "", expiresAt: "2026-11-26T12:01", endpoints: [] }, NOW)).toEqual({
      key: { app: "a", expiresAt: "2026-11-26T12:01:00.000Z" },
    });
  });
});

import { describe, expect, it } from "vitest";
import {
  CALL_DIGITS,
  chartUsdDigits,
  chartUsdFormatter,
  decimalRatio,
  decimalToNumber,
  formatDecimal,
  formatUsd,
  formatUsdExact,
  isDecimalString,
  isExactAt,
  parseDecimal,
  sumDecimals,
  TOTAL_DIGITS,
} from "../../../dashboard/src/lib/money.ts";

describe("parseDecimal / formatDecimal", () => {
  it("round-trips exact decimals at 12 places", () => {
    expect(parseDecimal("1.25")).toBe(1_250_000_000_000n);
    expect(parseDecimal("0.0000123400")).toBe(12_340_000n);
    expect(formatDecimal(parseDecimal("0.0000123400"))).toBe("0.00001234");
    expect(formatDecimal(parseDecimal("-3.5"))).toBe("-3.5");
    expect(formatDecimal(0n)).toBe("0");
    expect(parseDecimal(".5")).toBe(500_000_000_000n);
  });
  it("rounds digits beyond the 12th half away from zero", () => {
    expect(formatDecimal(parseDecimal("0.0000000000015"))).toBe("0.000000000002");
    expect(formatDecimal(parseDecimal("0.0000000000014"))).toBe("0.000000000001");
  });
  it("accepts integer numbers (counts) and rejects junk", () => {
    expect(parseDecimal(42)).toBe(42_000_000_000_000n);
    expect(() => parseDecimal("1e-5")).toThrow();
    expect(() => parseDecimal("abc")).toThrow();
    expect(() => parseDecimal(Number.NaN)).toThrow();
  });
  it("recognises decimal strings", () => {
    expect(isDecimalString("0.15")).toBe(true);
    expect(isDecimalString("12")).toBe(true);
    expect(isDecimalString("1,5")).toBe(false);
    expect(isDecimalString("")).toBe(false);
  });
});

describe("sumDecimals", () => {
  it("adds exactly where floats drift", () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumDecimals(["0.1", "0.2"])).toBe("0.3");
    const many = Array.from({ length: 1000 }, () => "0.000000123456");
    expect(sumDecimals(many)).toBe("0.000123456");
  });
  it("skips nulls (unpriced calls) and handles empty input", () => {
    expect(sumDecimals(["1.5", null, undefined, "2.25"])).toBe("3.75");
    expect(sumDecimals([])).toBe("0");
  });
});

describe("decimalRatio / decimalToNumber", () => {
  it("computes shares exactly and returns null for a zero total", () => {
    expect(decimalRatio("1", "4")).toBe(0.25);
    expect(decimalRatio("0.000001", "0.000003")).toBeCloseTo(1 / 3, 9);
    expect(decimalRatio("1", "0")).toBeNull();
  });
  it("converts to numbers for drawing", () => {
    expect(decimalToNumber("12.3400000000")).toBe(12.34);
    expect(decimalToNumber(null)).toBe(0);
  });
});

describe("formatUsd", () => {
  it("shows cents with thousands separators by default (totals)", () => {
    expect(formatUsd("1234.5")).toBe("$1,234.50");
    expect(formatUsd("1234567.899")).toBe("$1,234,567.90");
    expect(formatUsd("0")).toBe("$0.00");
    expect(formatUsd("0.015")).toBe("$0.02");
  });
  it("keeps one precision per column: every value of a column has the same places", () => {
    const column = ["0.01", "0.009625", "0.0000123400", "12.5"].map((v) => formatUsd(v, CALL_DIGITS));
    expect(column).toEqual(["$0.010000", "$0.009625", "$0.000012", "$12.500000"]);
    expect(new Set(column.map((v) => v.split(".")[1]!.length))).toEqual(new Set([6]));
  });
  it("never shows a non-zero amount as zero", () => {
    expect(formatUsd("0.004")).toBe("<$0.01");
    expect(formatUsd("-0.004")).toBe(">-$0.01");
    expect(formatUsd("0.0000001", CALL_DIGITS)).toBe("<$0.000001");
    expect(formatUsd("0.0000005", CALL_DIGITS)).toBe("$0.000001");
  });
  it("says unknown, not zero, for null", () => {
    expect(formatUsd(null)).toBe("—");
    expect(formatUsd(null, CALL_DIGITS)).toBe("—");
  });
  it("formats negatives", () => {
    expect(formatUsd("-2.5")).toBe("-$2.50");
  });
});

describe("isExactAt", () => {
  it("tells whether a rounded figure is the exact amount", () => {
    expect(isExactAt("0.01", TOTAL_DIGITS)).toBe(true);
    expect(isExactAt("0.009625", TOTAL_DIGITS)).toBe(false);
    expect(isExactAt("0.009625", CALL_DIGITS)).toBe(true);
    expect(isExactAt("0.0096251", CALL_DIGITS)).toBe(false);
  });
});

describe("chart precision", () => {
  it("uses cents from a dollar up and three significant digits of the largest value below", () => {
    expect(chartUsdDigits(1234)).toBe(2);
    expect(chartUsdDigits(1)).toBe(2);
    expect(chartUsdDigits(0.5)).toBe(3);
    expect(chartUsdDigits(0.0123)).toBe(4);
    expect(chartUsdDigits(0.00001)).toBe(6);
    expect(chartUsdDigits(0)).toBe(2);
  });
  it("formats a whole chart at one precision", () => {
    const fmt = chartUsdFormatter([0.0123, 0.002, 0]);
    expect([0.0123, 0.002, 0].map(fmt)).toEqual(["$0.0123", "$0.0020", "$0.0000"]);
    expect(fmt(Number.NaN)).toBe("—");
  });
});

describe("formatUsdExact", () => {
  it("keeps every significant decimal", () => {
    expect(formatUsdExact("0.0000123400")).toBe("$0.00001234");
    expect(formatUsdExact("1500")).toBe("$1,500.00");
    expect(formatUsdExact("0.6")).toBe("$0.60");
    expect(formatUsdExact(null)).toBe("—");
  });
});

import { describe, expect, it } from "vitest";
import {
  add,
  canonicalDecimal,
  compare,
  decimalFromNumber,
  divideByPowerOf10,
  formatDecimal,
  multiply,
  multiplyByInteger,
  normalize,
  parseDecimal,
  roundTo,
  subtract,
  sumDecimalStrings,
} from "../../../server/src/lib/decimal.ts";

const fmt = (d: ReturnType<typeof parseDecimal>) => formatDecimal(normalize(d));

describe("decimal", () => {
  it("parses and formats without floats", () => {
    expect(formatDecimal(parseDecimal("0.075"))).toBe("0.075");
    expect(formatDecimal(parseDecimal("-3"))).toBe("-3");
    expect(formatDecimal(parseDecimal(".5"))).toBe("0.5");
    expect(formatDecimal(parseDecimal("15."))).toBe("15");
    expect(formatDecimal(parseDecimal("0.0000000001"))).toBe("0.0000000001");
    expect(formatDecimal(parseDecimal("0.00001234"), 10)).toBe("0.0000123400");
    expect(() => parseDecimal("1e-7")).toThrow();
    expect(() => parseDecimal("abc")).toThrow();
    expect(() => parseDecimal("")).toThrow();
  });

  it("adds exactly where floats do not (0.1 + 0.2)", () => {
    expect(fmt(add(parseDecimal("0.1"), parseDecimal("0.2")))).toBe("0.3");
    expect(fmt(subtract(parseDecimal("1"), parseDecimal("0.999")))).toBe("0.001");
  });

  it("multiplies by token counts and divides by 1e6 exactly", () => {
    const perMillion = multiplyByInteger(parseDecimal("0.075"), 4000);
    expect(fmt(divideByPowerOf10(perMillion, 6))).toBe("0.0003");
    expect(fmt(divideByPowerOf10(multiplyByInteger(parseDecimal("0.0000000001"), 1), 6))).toBe("0.0000000000000001");
    // 2^53 + 1 tokens would lose precision as a float; as BigInt it is exact.
    expect(fmt(multiplyByInteger(parseDecimal("1"), 9007199254740993n))).toBe("9007199254740993");
    expect(() => multiplyByInteger(parseDecimal("1"), 1.5)).toThrow();
    expect(fmt(multiply(parseDecimal("0.075"), parseDecimal("0.5")))).toBe("0.0375");
  });

  it("rounds half-even only beyond the scale asked for", () => {
    expect(formatDecimal(roundTo(parseDecimal("0.125"), 2))).toBe("0.12");
    expect(formatDecimal(roundTo(parseDecimal("0.135"), 2))).toBe("0.14");
    expect(formatDecimal(roundTo(parseDecimal("-0.135"), 2))).toBe("-0.14");
    expect(formatDecimal(roundTo(parseDecimal("0.1251"), 2))).toBe("0.13");
    expect(formatDecimal(roundTo(parseDecimal("0.1"), 5))).toBe("0.1");
  });

  it("converts data-file numbers to the decimal their author wrote", () => {
    expect(fmt(decimalFromNumber(0.075))).toBe("0.075");
    expect(fmt(decimalFromNumber(1e-7))).toBe("0.0000001");
    expect(fmt(decimalFromNumber(2.5e-8))).toBe("0.000000025");
    expect(fmt(decimalFromNumber(1e21))).toBe("1000000000000000000000");
    expect(fmt(decimalFromNumber(22.5))).toBe("22.5");
    expect(() => decimalFromNumber(Number.NaN)).toThrow();
  });

  it("compares, canonicalizes and sums strings", () => {
    expect(compare(parseDecimal("0.10"), parseDecimal("0.1"))).toBe(0);
    expect(compare(parseDecimal("0.09"), parseDecimal("0.1"))).toBe(-1);
    expect(canonicalDecimal("0.1500000000")).toBe("0.15");
    expect(canonicalDecimal("0.0000000000")).toBe("0");
    expect(canonicalDecimal("10.0")).toBe("10");
    expect(sumDecimalStrings(["0.1", null, "0.2", "0.0000000000000001"])).toBe("0.3000000000000001");
    expect(sumDecimalStrings([])).toBe("0");
  });
});

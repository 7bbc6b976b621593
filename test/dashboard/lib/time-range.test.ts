import { describe, expect, it } from "vitest";
import { fromUtcInput, resolveRange, toUtcInput } from "../../../dashboard/src/lib/time-range.ts";

const now = Date.parse("2026-11-26T12:00:00.000Z");

describe("resolveRange", () => {
  it("measures presets back from now and picks an interval", () => {
    expect(resolveRange({ range: "1h", from: null, to: null, interval: null }, now)).toEqual({
      from: "2026-11-26T11:00:00.000Z",
      to: "2026-11-26T12:00:00.000Z",
      interval: "hour",
    });
    expect(resolveRange({ range: "30d", from: null, to: null, interval: null }, now)).toEqual({
      from: "2026-10-27T12:00:00.000Z",
      to: "2026-11-26T12:00:00.000Z",
      interval: "day",
    });
  });
  it("uses custom bounds as given and honours an explicit interval", () => {
    expect(resolveRange({ range: "custom", from: "2026-01-01T00:00:00Z", to: "2026-11-01T00:00:00Z", interval: null }, now)).toEqual({
      from: "2026-01-01T00:00:00.000Z",
      to: "2026-11-01T00:00:00.000Z",
      interval: "month",
    });
    expect(resolveRange({ range: "7d", from: null, to: null, interval: "hour" }, now).interval).toBe("hour");
  });
  it("falls back to the last 24 hours for a broken custom range", () => {
    expect(resolveRange({ range: "custom", from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z", interval: null }, now).from).toBe(
      "2026-11-25T12:00:00.000Z",
    );
  });
});

describe("datetime-local inputs in UTC", () => {
  it("converts both ways", () => {
    expect(toUtcInput("2026-11-26T14:05:33.000Z")).toBe("2026-11-26T14:05");
    expect(fromUtcInput("2026-11-26T14:05")).toBe("2026-11-26T14:05:00.000Z");
    expect(fromUtcInput("")).toBeNull();
    expect(fromUtcInput("yesterday")).toBeNull();
    expect(toUtcInput(null)).toBe("");
  });
});

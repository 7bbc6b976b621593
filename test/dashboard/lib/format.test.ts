import { describe, expect, it } from "vitest";
import {
  formatBucket,
  formatBytes,
  formatCount,
  formatDateTime,
  formatMs,
  formatPercent,
  formatTokens,
  plainCount,
} from "../../../dashboard/src/lib/format.ts";

describe("format", () => {
  it("counts", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(null)).toBe("—");
    expect(plainCount(2500)).toBe("2,500");
  });
  it("tokens: exact when small, compact when large", () => {
    expect(formatTokens(9876)).toBe("9,876");
    expect(formatTokens(12_345)).toBe("12.3K");
    expect(formatTokens(4_560_000)).toBe("4.56M");
    expect(formatTokens(1_200_000_000)).toBe("1.2B");
    expect(formatTokens(250_000)).toBe("250K");
  });
  it("durations", () => {
    expect(formatMs(850.4)).toBe("850 ms");
    expect(formatMs(1240)).toBe("1.24 s");
    expect(formatMs(12_500)).toBe("12.5 s");
    expect(formatMs(125_000)).toBe("2m 05s");
    expect(formatMs(null)).toBe("—");
  });
  it("percentages", () => {
    expect(formatPercent(0.07)).toBe("7.0%");
    expect(formatPercent(0.0004)).toBe("0.04%");
    expect(formatPercent(0)).toBe("0.0%");
    expect(formatPercent(null)).toBe("—");
  });
  it("bytes", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(12_800)).toBe("12.5 KB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MB");
  });
  it("times in UTC", () => {
    expect(formatDateTime("2026-11-26T14:03:22.123Z")).toBe("2026-11-26 14:03:22 UTC");
    expect(formatDateTime(null)).toBe("—");
    expect(formatBucket("2026-11-26T14:00:00.000Z", "hour")).toBe("Nov 26 14:00");
    expect(formatBucket("2026-11-26T00:00:00.000Z", "day")).toBe("Nov 26");
    expect(formatBucket("2026-11-01T00:00:00.000Z", "month")).toBe("Nov 2026");
  });
});

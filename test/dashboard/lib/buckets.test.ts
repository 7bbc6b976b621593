import { describe, expect, it } from "vitest";
import { bucketKey, bucketRange, chooseInterval, floorToBucket, MAX_BUCKETS, nextBucket } from "../../../dashboard/src/lib/buckets.ts";

describe("buckets", () => {
  it("floors to UTC hour, day and month", () => {
    const t = Date.parse("2026-11-26T14:35:10.500Z");
    expect(new Date(floorToBucket(t, "hour")).toISOString()).toBe("2026-11-26T14:00:00.000Z");
    expect(new Date(floorToBucket(t, "day")).toISOString()).toBe("2026-11-26T00:00:00.000Z");
    expect(new Date(floorToBucket(t, "month")).toISOString()).toBe("2026-11-01T00:00:00.000Z");
  });
  it("steps months of different lengths and across years", () => {
    expect(new Date(nextBucket(Date.parse("2026-01-01T00:00:00Z"), "month")).toISOString()).toBe("2026-02-01T00:00:00.000Z");
    expect(new Date(nextBucket(Date.parse("2026-12-01T00:00:00Z"), "month")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });
  it("lists every bucket the half-open range touches", () => {
    expect(bucketRange("2026-11-26T10:30:00Z", "2026-11-26T13:00:00Z", "hour")).toEqual([
      "2026-11-26T10:00:00.000Z",
      "2026-11-26T11:00:00.000Z",
      "2026-11-26T12:00:00.000Z",
    ]);
    expect(bucketRange("2026-11-24T23:00:00Z", "2026-11-26T00:00:01Z", "day")).toEqual([
      "2026-11-24T00:00:00.000Z",
      "2026-11-25T00:00:00.000Z",
      "2026-11-26T00:00:00.000Z",
    ]);
    expect(bucketRange("2026-10-15T00:00:00Z", "2027-01-02T00:00:00Z", "month")).toHaveLength(4);
  });
  it("gives nothing for an empty or reversed range and caps runaway ranges", () => {
    expect(bucketRange("2026-11-26T10:00:00Z", "2026-11-26T10:00:00Z", "hour")).toEqual([]);
    expect(bucketRange("2026-11-26T10:00:00Z", "2026-11-25T10:00:00Z", "hour")).toEqual([]);
    expect(bucketRange("bad", "2026-11-25T10:00:00Z", "hour")).toEqual([]);
    expect(bucketRange("2000-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "hour")).toHaveLength(MAX_BUCKETS);
  });
  it("normalises API bucket strings", () => {
    expect(bucketKey("2026-11-26T00:00:00Z")).toBe("2026-11-26T00:00:00.000Z");
    expect(bucketKey("2026-11-26T00:00:00+00:00")).toBe("2026-11-26T00:00:00.000Z");
  });
  it("chooses an interval that fits the range", () => {
    expect(chooseInterval("2026-11-26T00:00:00Z", "2026-11-26T01:00:00Z")).toBe("hour");
    expect(chooseInterval("2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z")).toBe("hour");
    expect(chooseInterval("2026-11-19T00:00:00Z", "2026-11-26T00:00:00Z")).toBe("day");
    expect(chooseInterval("2026-10-27T00:00:00Z", "2026-11-26T00:00:00Z")).toBe("day");
    expect(chooseInterval("2025-11-26T00:00:00Z", "2026-11-26T00:00:00Z")).toBe("month");
  });
});

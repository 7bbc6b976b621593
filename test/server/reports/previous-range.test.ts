import { describe, expect, it } from "vitest";
import { coverageOf, isComplete, previousRange } from "../../../server/src/reports/spend-compare.ts";

const iso = (r: { from: Date; to: Date }) => [r.from.toISOString(), r.to.toISOString()];
const range = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });

describe("previousRange", () => {
  it("moves calendar ranges back by whole months, keeping offsets", () => {
    expect(iso(previousRange(range("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z")))).toEqual([
      "2026-10-01T00:00:00.000Z",
      "2026-11-01T00:00:00.000Z",
    ]);
    expect(iso(previousRange(range("2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z")))).toEqual([
      "2026-07-01T00:00:00.000Z",
      "2026-10-01T00:00:00.000Z",
    ]);
    expect(iso(previousRange(range("2026-01-01T00:00:00Z", "2026-12-07T14:00:00Z")))).toEqual([
      "2025-01-01T00:00:00.000Z",
      "2025-12-07T14:00:00.000Z",
    ]);
    // month to date on the 31st: February has no 31st, so the earlier span ends on its last day
    expect(iso(previousRange(range("2027-03-01T00:00:00Z", "2027-03-31T15:00:00Z")))).toEqual([
      "2027-02-01T00:00:00.000Z",
      "2027-02-28T15:00:00.000Z",
    ]);
  });
  it("takes the equal-length range before any other range", () => {
    expect(iso(previousRange(range("2026-11-10T06:00:00Z", "2026-11-12T06:00:00Z")))).toEqual([
      "2026-11-08T06:00:00.000Z",
      "2026-11-10T06:00:00.000Z",
    ]);
  });
});

describe("coverage", () => {
  const r = range("2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z");
  it("starts where data starts and ends at now; complete only when both ends are covered", () => {
    const partial = coverageOf(r, new Date("2026-10-15T09:00:00Z"), new Date("2026-12-07T00:00:00Z"));
    expect(partial).toEqual({ from: "2026-10-15T09:00:00.000Z", to: "2026-11-01T00:00:00.000Z" });
    expect(isComplete(r, partial)).toBe(false);
    const full = coverageOf(r, new Date("2026-09-01T00:00:00Z"), new Date("2026-12-07T00:00:00Z"));
    expect(isComplete(r, full)).toBe(true);
    expect(isComplete(r, coverageOf(r, new Date("2026-09-01T00:00:00Z"), new Date("2026-10-20T00:00:00Z")))).toBe(false);
    expect(coverageOf(r, null, new Date())).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { LAG_TOLERATED_MS, reportsSourceNotice } from "../../../dashboard/src/lib/reports-source.ts";

const NOW = Date.parse("2026-12-07T12:00:00Z");

describe("reportsSourceNotice", () => {
  it("says nothing on the primary, or on a replica that is current enough", () => {
    expect(reportsSourceNotice(undefined, NOW)).toBeNull();
    expect(reportsSourceNotice({ source: "primary", lagMs: null, checkedAt: null }, NOW)).toBeNull();
    expect(reportsSourceNotice({ source: "replica", lagMs: 0, checkedAt: "x" }, NOW)).toBeNull();
    expect(reportsSourceNotice({ source: "replica", lagMs: LAG_TOLERATED_MS, checkedAt: "x" }, NOW)).toBeNull();
  });

  it("warns with the lag and the time up to which figures are complete", () => {
    expect(reportsSourceNotice({ source: "replica", lagMs: 42_000, checkedAt: "x" }, NOW)).toEqual({
      tone: "warn",
      text: "Figures come from a read replica 42 s behind the primary: calls after about 11:59 UTC are not in them yet.",
    });
    expect(reportsSourceNotice({ source: "replica", lagMs: 100 * 60_000, checkedAt: "x" }, NOW)?.text).toContain("100 min behind");
    expect(reportsSourceNotice({ source: "replica", lagMs: 5 * 3_600_000, checkedAt: "x" }, NOW)?.text).toContain("5 h behind");
  });

  it("says when the replica is unreachable and the primary answers instead", () => {
    expect(reportsSourceNotice({ source: "primary-fallback", lagMs: null, checkedAt: "x", error: "ECONNREFUSED" }, NOW)).toMatchObject({
      tone: "bad",
    });
  });
});

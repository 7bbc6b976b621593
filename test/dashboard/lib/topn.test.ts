import { describe, expect, it } from "vitest";
import { categoryOf, groupLabel, NONE, OTHER, shareTable, topCategories } from "../../../dashboard/src/lib/topn.ts";

describe("topCategories / categoryOf", () => {
  it("keeps the first N keys and adds OTHER only when there are more", () => {
    expect(topCategories(["a", "b", "c"], 3)).toEqual(["a", "b", "c"]);
    expect(topCategories(["a", "b", "c", "d"], 2)).toEqual(["a", "b", OTHER]);
    expect(topCategories(["a", "a", "b"], 2)).toEqual(["a", "b"]);
    expect(topCategories([], 5)).toEqual([]);
  });
  it("maps a key to its category", () => {
    expect(categoryOf("a", ["a", OTHER])).toBe("a");
    expect(categoryOf("z", ["a", OTHER])).toBe(OTHER);
    expect(categoryOf("z", ["a"])).toBeNull();
  });
});

describe("shareTable", () => {
  const groups = [
    { key: "search", costUsd: "6.000000000001", calls: 60 },
    { key: "chat", costUsd: "3", calls: 30 },
    { key: "batch", costUsd: "0.5", calls: 5, unpricedCalls: 2 },
    { key: "eval", costUsd: "0.499999999999", calls: 5, unpricedCalls: 1 },
  ];
  it("computes each share of the exact total and folds the rest into one OTHER row", () => {
    const rows = shareTable(groups, "10", 2);
    expect(rows.map((r) => r.key)).toEqual(["search", "chat", `${OTHER} 2 more`]);
    expect(rows[0]?.share).toBeCloseTo(0.6, 9);
    expect(rows[1]?.share).toBe(0.3);
    expect(rows[2]).toMatchObject({ costUsd: "0.999999999999", calls: 10, unpricedCalls: 3, isOther: true });
    expect(rows[0]?.unpricedCalls).toBe(0);
  });
  it("has no OTHER row when everything fits, and null shares for a zero total", () => {
    const rows = shareTable([{ key: "x", costUsd: "0", calls: 3 }], "0", 5);
    expect(rows).toEqual([{ key: "x", costUsd: "0", calls: 3, unpricedCalls: 0, share: null, isOther: false }]);
  });
});

describe("groupLabel", () => {
  it("names groups without a key", () => {
    expect(groupLabel("search")).toBe("search");
    expect(groupLabel("")).toBe(NONE);
    expect(groupLabel(null)).toBe(NONE);
    expect(groupLabel(undefined)).toBe(NONE);
  });
});

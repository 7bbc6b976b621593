import { describe, expect, it } from "vitest";
import type { VirtualKey } from "../../../dashboard/src/api.ts";
import { budgetKeyLabel, budgetUsage } from "../../../dashboard/src/lib/budgets.ts";

const usage = (monthlyUsd: string, spentUsd: string, reservedUsd = "0") => budgetUsage({ monthlyUsd, spentUsd, reservedUsd });

describe("budgetUsage", () => {
  it("adds spent and reserved exactly and measures the share against the limit", () => {
    // 0.1 + 0.2 as floats is 0.30000000000000004; the ledger's strings are added exactly
    expect(usage("1", "0.1", "0.2")).toEqual({
      usedUsd: "0.3",
      share: 0.3,
      spentWidth: 0.1,
      reservedWidth: 0.3 - 0.1,
      level: "ok",
      overByUsd: "0",
    });
    expect(usage("250", "12.5", "0.0042")).toMatchObject({ usedUsd: "12.5042", share: 0.0500168, level: "ok" });
  });
  it("is near from 80%, reached at the limit, over past it", () => {
    expect(usage("100", "79.999999999999").level).toBe("ok");
    expect(usage("100", "79", "1").level).toBe("near");
    expect(usage("100", "99.99").level).toBe("near");
    expect(usage("100", "99.5", "0.5").level).toBe("reached");
    expect(usage("100", "100.000000000001")).toMatchObject({ level: "over", overByUsd: "0.000000000001", spentWidth: 1, reservedWidth: 0 });
    expect(usage("10", "9", "3")).toMatchObject({ level: "over", overByUsd: "2", share: 1.2, spentWidth: 0.9 });
    expect(usage("10", "9", "3").reservedWidth).toBeCloseTo(0.1, 12);
  });
  it("treats a zero limit as reached (nothing may be spent) and has no share", () => {
    expect(usage("0", "0")).toMatchObject({ share: null, level: "reached", spentWidth: 0 });
    expect(usage("0", "0.01")).toMatchObject({ share: null, level: "over", overByUsd: "0.01", spentWidth: 1 });
  });
});

describe("budgetKeyLabel", () => {
  const key = (status: VirtualKey["status"]): VirtualKey => ({
    id: "0193a1b2-0000-7000-8000-000000000001",
    app: "checkout",
    provider: null,
    prefix: "tg_AbCdEf",
    endpoints: ["inference", "models"],
    status,
    createdAt: "2026-11-01T00:00:00.000Z",
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
  });
  it("names the whole app, a key by its prefix, and a key that no longer works", () => {
    expect(budgetKeyLabel(null, [])).toBe("whole app");
    expect(budgetKeyLabel(key("active").id, [key("active")])).toBe("tg_AbCdEf…");
    expect(budgetKeyLabel(key("revoked").id, [key("revoked")])).toBe("tg_AbCdEf… (revoked)");
    expect(budgetKeyLabel("0193ffff-0000-7000-8000-000000000009", undefined)).toBe("key 0193ffff…");
  });
});

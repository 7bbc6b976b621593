import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { periodOf, periodOfKey, type BudgetPeriod } from "../../../server/src/domain/budget-period.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const at = (iso: string) => Date.parse(iso);

describe("budget periods (UTC)", () => {
  it("months, ISO weeks from Monday and days, with their spans", () => {
    expect(periodOf("month", at("2026-12-07T20:00:00Z"))).toEqual({
      key: "2026-12",
      start: new Date("2026-12-01T00:00:00Z"),
      end: new Date("2027-01-01T00:00:00Z"),
    });
    expect(periodOf("day", at("2026-12-07T23:59:59.999Z"))).toEqual({
      key: "2026-12-07",
      start: new Date("2026-12-07T00:00:00Z"),
      end: new Date("2026-12-08T00:00:00Z"),
    });
    // Monday 2026-12-07 starts week 50; Sunday 2026-12-13 ends it
    expect(periodOf("week", at("2026-12-07T00:00:00Z"))).toEqual({
      key: "2026-W50",
      start: new Date("2026-12-07T00:00:00Z"),
      end: new Date("2026-12-14T00:00:00Z"),
    });
    expect(periodOf("week", at("2026-12-13T23:59:59Z")).key).toBe("2026-W50");
    // ISO years: 2026-12-28 … 2027-01-03 is 2026-W53; 2027-01-04 starts 2027-W01; 2025-12-29 is 2026-W01
    expect(periodOf("week", at("2027-01-02T12:00:00Z")).key).toBe("2026-W53");
    expect(periodOf("week", at("2027-01-04T00:00:00Z")).key).toBe("2027-W01");
    expect(periodOf("week", at("2025-12-31T00:00:00Z"))).toMatchObject({ key: "2026-W01", start: new Date("2025-12-29T00:00:00Z") });
  });

  it("reads its keys back", () => {
    for (const [period, iso] of [
      ["month", "2026-02-14T00:00:00Z"],
      ["week", "2027-01-01T00:00:00Z"],
      ["week", "2026-06-15T00:00:00Z"],
      ["day", "2024-02-29T10:00:00Z"],
    ] as const) {
      const span = periodOf(period, at(iso));
      expect(periodOfKey(span.key)).toEqual({ period, ...span });
    }
    expect(periodOfKey("nonsense")).toBeNull();
  });

  it("the SQL function gives the same keys", async () => {
    const instants = [];
    for (let ms = at("2024-12-20T00:00:00Z"); ms < at("2027-01-10T00:00:00Z"); ms += 37 * 3_600_000 + 17 * 60_000) instants.push(ms);
    for (const period of ["month", "week", "day"] as BudgetPeriod[]) {
      const { rows } = await db.pool.query<{ key: string }>(
        "SELECT tollgate_budget_period_key($1, t) AS key FROM unnest($2::timestamptz[]) WITH ORDINALITY AS u(t, n) ORDER BY n",
        [period, instants.map((ms) => new Date(ms))],
      );
      expect(rows.map((r) => r.key)).toEqual(instants.map((ms) => periodOf(period, ms).key));
    }
  });
});

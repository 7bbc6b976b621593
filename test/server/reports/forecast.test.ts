import { describe, expect, it } from "vitest";
import { DAY_MS, FORECAST_WINDOW_MS, forecastPeriod, trailingSum } from "../../../server/src/reports/forecast.ts";

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

/** Hourly spend points from `fromIso` up to (not including) `toIso`, each costing what `cost(hourIndex)` says. */
function hourly(fromIso: string, toIso: string, cost: (i: number) => string) {
  const out: Array<{ atMs: number; costUsd: string }> = [];
  for (let ms = at(fromIso), i = 0; ms < at(toIso); ms += HOUR, i++) out.push({ atMs: ms, costUsd: cost(i) });
  return out;
}
const sumFrom = (series: Array<{ atMs: number; costUsd: string }>, fromMs: number, nowMs: number) =>
  trailingSum(series, nowMs, nowMs - fromMs);

describe("forecast: trailing 7-day run rate × time left", () => {
  // $1 every hour of December: $24 a day.
  const steady = hourly("2026-12-01T00:00:00Z", "2026-12-10T00:00:00Z", () => "1");
  const now = at("2026-12-10T00:00:00Z");
  const end = at("2027-01-01T00:00:00Z");

  it("a steady series: 9 days spent ($216), 22 days left at $24/day → $744; a $500 limit is passed on Dec 21 by $244", () => {
    const spent = sumFrom(steady, at("2026-12-01T00:00:00Z"), now);
    const trailing = trailingSum(steady, now);
    expect([spent, trailing]).toEqual(["216", "168"]);
    expect(
      forecastPeriod({
        spentUsd: spent,
        trailingUsd: trailing,
        windowMs: FORECAST_WINDOW_MS,
        nowMs: now,
        periodEndMs: end,
        limitUsd: "500",
      }),
    ).toEqual({
      forecastUsd: "744",
      runRateUsdPerDay: "24",
      // (500 − 216) / 24 = 11.83 days after Dec 10 00:00 → Dec 21 20:00
      exceedsOn: "2026-12-21",
      exceedsByUsd: "244",
    });
    expect(
      forecastPeriod({
        spentUsd: spent,
        trailingUsd: trailing,
        windowMs: FORECAST_WINDOW_MS,
        nowMs: now,
        periodEndMs: end,
        limitUsd: "744",
      }),
    ).toMatchObject({ exceedsOn: null, exceedsByUsd: null });
    expect(
      forecastPeriod({
        spentUsd: spent,
        trailingUsd: trailing,
        windowMs: FORECAST_WINDOW_MS,
        nowMs: now,
        periodEndMs: end,
        limitUsd: "743.99",
      }),
    ).toMatchObject({ exceedsOn: "2026-12-31", exceedsByUsd: "0.01" });
  });

  it("only the trailing 7 days set the rate: a series that doubled 7 days ago projects at the new rate", () => {
    const doubled = hourly("2026-12-01T00:00:00Z", "2026-12-10T00:00:00Z", (i) => (i < 48 ? "1" : "2"));
    const spent = sumFrom(doubled, at("2026-12-01T00:00:00Z"), now); // 48 + 7 × 48
    expect(spent).toBe("384");
    expect(
      forecastPeriod({
        spentUsd: spent,
        trailingUsd: trailingSum(doubled, now),
        windowMs: FORECAST_WINDOW_MS,
        nowMs: now,
        periodEndMs: end,
      }),
    ).toEqual({
      forecastUsd: String(384 + 22 * 48),
      runRateUsdPerDay: "48",
      exceedsOn: null,
      exceedsByUsd: null,
    });
  });

  it("exact decimals and fractions of a day: a daily budget at 18:00 has a quarter day left", () => {
    const evening = at("2026-12-07T18:00:00Z");
    const f = forecastPeriod({
      spentUsd: "0.3",
      trailingUsd: "0.7",
      windowMs: FORECAST_WINDOW_MS,
      nowMs: evening,
      periodEndMs: at("2026-12-08T00:00:00Z"),
      limitUsd: "0.31",
    });
    // 0.7 / 7 days = 0.1 a day; a quarter of it: 0.025
    expect(f).toEqual({ forecastUsd: "0.325", runRateUsdPerDay: "0.1", exceedsOn: "2026-12-07", exceedsByUsd: "0.015" });
    // one third of a cent a day: rounded at 10 decimals, never a float
    expect(
      forecastPeriod({ spentUsd: "0", trailingUsd: "0.07", windowMs: 3 * DAY_MS, nowMs: evening, periodEndMs: evening + DAY_MS })
        .forecastUsd,
    ).toBe("0.0233333333");
  });

  it("no spend in the window: the forecast is what was spent; already over the limit: exceeded today", () => {
    expect(
      forecastPeriod({ spentUsd: "12.5", trailingUsd: "0", windowMs: FORECAST_WINDOW_MS, nowMs: now, periodEndMs: end, limitUsd: "20" }),
    ).toEqual({ forecastUsd: "12.5", runRateUsdPerDay: "0", exceedsOn: null, exceedsByUsd: null });
    expect(
      forecastPeriod({ spentUsd: "25", trailingUsd: "7", windowMs: FORECAST_WINDOW_MS, nowMs: now, periodEndMs: end, limitUsd: "20" }),
    ).toEqual({ forecastUsd: "47", runRateUsdPerDay: "1", exceedsOn: "2026-12-10", exceedsByUsd: "27" });
    // at the period's end nothing is left to project
    expect(
      forecastPeriod({ spentUsd: "5", trailingUsd: "7", windowMs: FORECAST_WINDOW_MS, nowMs: end, periodEndMs: end }).forecastUsd,
    ).toBe("5");
  });
});

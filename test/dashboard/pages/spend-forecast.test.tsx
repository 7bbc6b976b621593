// @vitest-environment jsdom
import { screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { ForecastResponse } from "../../../dashboard/src/api.ts";
import { defaultApi, renderApp, teardown } from "../support/render-app.tsx";

afterEach(teardown);

const forecast: ForecastResponse = {
  groupBy: "app",
  period: "month",
  periodKey: "2026-11",
  periodStart: "2026-11-01T00:00:00.000Z",
  periodEnd: "2026-12-01T00:00:00.000Z",
  now: "2026-11-26T12:00:00.000Z",
  windowStart: "2026-11-19T12:00:00.000Z",
  method: "forecastUsd = spentUsd + trailingUsd × (periodEnd − now) / window",
  totals: { spentUsd: "51.5", trailingUsd: "21", runRateUsdPerDay: "3", forecastUsd: "65" },
  groups: [
    { key: "support-bot", spentUsd: "45.5", trailingUsd: "14", runRateUsdPerDay: "2", forecastUsd: "54.8333333333" },
    { key: "search", spentUsd: "6", trailingUsd: "7", runRateUsdPerDay: "1", forecastUsd: "10.1666666667" },
  ],
};

describe("Spend page forecast", () => {
  it("shows each app's month so far, run rate and month-end forecast from /api/forecast", async () => {
    const { calls } = renderApp("#/spend", (url, method, body) =>
      url.pathname === "/api/forecast" ? { body: forecast } : defaultApi(url, method, body),
    );
    const table = await screen.findByTestId("spend-forecast");
    const rows = within(table).getAllByTestId("spend-forecast-row");
    expect(rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent))).toEqual([
      ["support-bot", "$45.50", "$2.00", "$54.83"],
      ["search", "$6.00", "$1.00", "$10.17"],
    ]);
    expect(within(table).getByTestId("spend-forecast-total").textContent).toBe("$65.00");
    expect(screen.getByTestId("spend-forecast-panel").textContent).toContain("November 2026");
    const asked = calls.find((c) => c.url.pathname === "/api/forecast")!;
    expect([asked.url.searchParams.get("groupBy"), asked.url.searchParams.get("period")]).toEqual(["app", "month"]);
  });
});

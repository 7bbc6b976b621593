// Month-end forecast per app (GET /api/forecast?groupBy=app): this month's spend so far, the trailing 7 days'
// run rate and the projection at the month's end — the same method as the budgets' forecasts.
import type { ReactElement } from "react";
import type { ForecastResponse } from "../api.ts";
import { DataView } from "../components/DataView.tsx";
import { Panel } from "../components/Panel.tsx";
import { useApi } from "../hooks/useApi.ts";
import { monthLabel } from "../lib/format.ts";
import { formatUsd, formatUsdExact } from "../lib/money.ts";

function Money(props: { value: string; testId: string }): ReactElement {
  return (
    <td className="num" title={formatUsdExact(props.value)} data-testid={props.testId}>
      {formatUsd(props.value)}
    </td>
  );
}

/** The Spend page's filters that the forecast applies too (the rollups' dimensions; outcome is not one). */
export function SpendForecast(props: { filters?: Partial<Record<string, string | null>> }): ReactElement {
  const query = new URLSearchParams({ groupBy: "app", period: "month" });
  for (const key of ["provider", "app", "model"]) {
    const value = props.filters?.[key];
    if (value) query.set(key, value);
  }
  const forecast = useApi<ForecastResponse>(`/api/forecast?${query.toString()}`);
  return (
    <Panel
      title={forecast.data ? `Month-end forecast, ${monthLabel(forecast.data.periodKey)}` : "Month-end forecast"}
      testId="spend-forecast-panel"
      note="Forecast = spent this month (UTC) + the trailing 7 days' spend per day × days left in the month. Independent of the range above."
    >
      <DataView state={forecast} isEmpty={(d) => d.groups.length === 0} empty="No spend this month or in the last 7 days.">
        {(d) => (
          <table className="table" data-testid="spend-forecast">
            <thead>
              <tr>
                <th>App</th>
                <th className="num">Spent this month</th>
                <th className="num">Run rate / day</th>
                <th className="num">Forecast at month end</th>
              </tr>
            </thead>
            <tbody>
              {d.groups.map((g) => (
                <tr key={g.key} data-testid="spend-forecast-row" data-app={g.key}>
                  <td>{g.key}</td>
                  <Money value={g.spentUsd} testId="spend-forecast-spent" />
                  <Money value={g.runRateUsdPerDay} testId="spend-forecast-rate" />
                  <Money value={g.forecastUsd} testId="spend-forecast-value" />
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th>Total</th>
                <Money value={d.totals.spentUsd} testId="spend-forecast-total-spent" />
                <Money value={d.totals.runRateUsdPerDay} testId="spend-forecast-total-rate" />
                <Money value={d.totals.forecastUsd} testId="spend-forecast-total" />
              </tr>
            </tfoot>
          </table>
        )}
      </DataView>
    </Panel>
  );
}

// Reconciliation: Tollgate's metered calls against the providers' own usage and cost reports, per UTC day —
// the drift per day, a table with the likely reason per model (or API key), and how fresh each day's report
// is. A drifted row links to Tollgate's calls of that day and model.
import { useState, type ReactElement } from "react";
import { BarChart, preloadCharts } from "../components/charts/lazy.tsx";
import { DataView } from "../components/DataView.tsx";
import { Kpi, KpiRow } from "../components/Kpi.tsx";
import { Panel } from "../components/Panel.tsx";
import { Segmented } from "../components/Segmented.tsx";
import { useApi } from "../hooks/useApi.ts";
import { formatDateTime } from "../lib/format.ts";
import { CALL_DIGITS, chartUsdFormatter, decimalToNumber, formatUsd, sumDecimals } from "../lib/money.ts";
import { moneyTitle } from "../components/Money.tsx";
import { chartValues } from "../lib/series.ts";
import {
  DAY_MS,
  REASON_LABELS,
  RECONCILE_VIEWS,
  reconciliationPath,
  wholeDays,
  type Measure,
  type ReconcileView,
  type ReconciliationResponse,
  type ReconciliationRow,
} from "../lib/reconciliation.ts";
import { pageHref, patchView, type ViewState } from "../lib/url-state.ts";
import type { PageProps } from "./types.ts";

// recharts starts loading with this page's code, alongside its data requests (charts/lazy.tsx)
preloadCharts("bar");

const count = (v: string | null) => (v === null ? "—" : BigInt(v).toLocaleString("en-US"));
const pct = (m: Measure) => (m.pct === null ? "" : ` (${m.pct}%)`);

// One day of one model is often cents, and a drift of a millionth is worth seeing: money here has CALL_DIGITS.
const perDayUsd = (v: string | null) => formatUsd(v, CALL_DIGITS);

function Cells(props: { m: Measure; money?: boolean; testId: string }): ReactElement {
  const f = props.money ? perDayUsd : count;
  const title = (v: string | null) => (props.money ? moneyTitle(v, CALL_DIGITS) : undefined);
  const drift = props.m.diff !== null && props.m.diff !== "0";
  return (
    <>
      <td className="num" title={title(props.m.tollgate)}>
        {f(props.m.tollgate)}
      </td>
      <td className="num" title={title(props.m.provider)}>
        {f(props.m.provider)}
      </td>
      <td className={`num${drift ? " bad" : ""}`} data-testid={props.testId} title={title(props.m.diff)}>
        {props.m.diff === null ? "—" : `${f(props.m.diff)}${pct(props.m)}`}
      </td>
    </>
  );
}

/** The Calls page narrowed to one UTC day, provider and model. */
function callsHref(view: ViewState, row: ReconciliationRow): string {
  const start = Date.parse(`${row.day}T00:00:00Z`);
  return pageHref(
    "calls",
    patchView(view, {
      range: "custom",
      from: new Date(start).toISOString(),
      to: new Date(start + DAY_MS).toISOString(),
      filters: { provider: row.provider, model: row.model ?? null, app: null, outcome: null },
    }),
  );
}

function RowsTable(props: { rows: ReconciliationRow[]; per: ReconcileView; view: ViewState }): ReactElement {
  const keyHeader = props.per === "model" ? "Model" : props.per === "key" ? "API key" : null;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="reconciliation-table">
        <thead>
          <tr>
            <th>Day</th>
            <th>Provider</th>
            {keyHeader ? <th>{keyHeader}</th> : null}
            <th>Reason</th>
            <th>Requests T</th>
            <th>P</th>
            <th>Δ</th>
            <th>Input T</th>
            <th>P</th>
            <th>Δ</th>
            <th>Output T</th>
            <th>P</th>
            <th>Δ</th>
            <th>Cost T</th>
            <th>P</th>
            <th>Δ</th>
            <th>Provider report</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={`${r.day}|${r.provider}|${r.model ?? r.apiKeyId ?? ""}`} data-testid="reconciliation-row" data-reason={r.reason}>
              <td>
                {r.reason !== "match" && props.per !== "key" ? (
                  <a href={callsHref(props.view, r)} data-testid="reconciliation-calls-link">
                    {r.day}
                  </a>
                ) : (
                  r.day
                )}
              </td>
              <td>{r.provider}</td>
              {keyHeader ? (
                <td>
                  {r.model ?? r.apiKeyId}
                  {r.held ? " (held)" : ""}
                  {r.project ? ` · ${r.project}` : ""}
                </td>
              ) : null}
              <td data-testid="reconciliation-reason">{REASON_LABELS[r.reason] ?? r.reason}</td>
              <Cells m={r.requests} testId="diff-requests" />
              <Cells m={r.inputTokens} testId="diff-input" />
              <Cells m={r.outputTokens} testId="diff-output" />
              <Cells m={r.costUsd} money testId="diff-cost" />
              <td data-testid="reconciliation-freshness">
                {r.fetchedAt === null ? "not fetched" : `${formatDateTime(r.fetchedAt)}${r.complete ? "" : " (day not complete)"}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ReconciliationPage({ view, range }: PageProps): ReactElement {
  const [per, setPer] = useState<ReconcileView>("model");
  const days = wholeDays(range.from, range.to);
  const daily = useApi<ReconciliationResponse>(reconciliationPath(days, "day", view.filters.provider));
  const detail = useApi<ReconciliationResponse>(reconciliationPath(days, per, view.filters.provider));

  return (
    <div className="page" data-testid="page-reconciliation">
      <div className="page-title">
        <h1>Reconciliation</h1>
      </div>
      <DataView state={daily}>
        {(d) => {
          const providers = [...new Set(d.rows.map((r) => r.provider))].sort();
          const chart = [...new Set(d.rows.map((r) => r.day))].sort().map((day) => {
            const row: Record<string, string | number> = { day };
            for (const r of d.rows.filter((x) => x.day === day)) row[r.provider] = decimalToNumber(r.costUsd.diff ?? "0");
            return row;
          });
          // Only days the provider reported on are compared: Tollgate's cost beside them, not its whole spend.
          const tollgate = sumDecimals(d.rows.filter((r) => r.costUsd.provider !== null).map((r) => r.costUsd.tollgate));
          const provider = sumDecimals(d.rows.map((r) => r.costUsd.provider));
          const drift = sumDecimals(d.rows.map((r) => r.costUsd.diff));
          return (
            <>
              {d.sources.length === 0 ? (
                <p className="panel-note" data-testid="reconciliation-no-sources">
                  No provider report is fetched: set OPENAI_ADMIN_KEY and/or ANTHROPIC_ADMIN_KEY.
                </p>
              ) : null}
              <KpiRow>
                <Kpi label="Tollgate's cost (compared days)" value={formatUsd(tollgate)} testId="reconciliation-tollgate" />
                <Kpi label="Providers' cost" value={formatUsd(provider)} testId="reconciliation-provider" />
                <Kpi
                  label="Drift (provider − Tollgate)"
                  value={formatUsd(drift)}
                  tone={drift !== "0" ? "bad" : undefined}
                  testId="reconciliation-drift"
                />
              </KpiRow>
              <Panel title="Drift per day (USD)" note="The provider's reported cost minus Tollgate's metered cost, per UTC day.">
                <BarChart
                  data={chart}
                  index="day"
                  categories={providers}
                  stacked={false}
                  valueFormatter={chartUsdFormatter(chartValues(chart, providers))}
                  testId="reconciliation-chart"
                  label="Cost drift per day and provider"
                />
              </Panel>
              <Panel title="Provider reports" testId="reconciliation-fetches">
                <ul className="plain-list">
                  {d.freshness.map((f) => (
                    <li key={`${f.provider}|${f.day}`} data-testid="fetch-row">
                      {f.provider} {f.day}: fetched {formatDateTime(f.fetchedAt)}
                      {f.complete ? ", complete" : ", day not complete yet"}
                    </li>
                  ))}
                </ul>
              </Panel>
            </>
          );
        }}
      </DataView>
      <Panel
        title="Comparison"
        actions={<Segmented label="Per" options={RECONCILE_VIEWS} value={per} onChange={setPer} testId="reconciliation-per" />}
        note="T: Tollgate, P: the provider's report, Δ: P − T (and % of P)."
      >
        <DataView state={detail} isEmpty={(d) => d.rows.length === 0} empty="Nothing to compare in this range.">
          {(d) => <RowsTable rows={d.rows} per={per} view={view} />}
        </DataView>
      </Panel>
    </div>
  );
}

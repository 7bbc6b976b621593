// Spend: the range's total, cost over time stacked by the chosen grouping (a dimension, a property, or up to
// three), the breakdown of what is stacked against the previous period, top apps and models with their
// share, unpriced calls called out, and the CSV export.
import { useEffect, useState, type ReactElement } from "react";
import { BreakdownTable, CoverageWarning } from "../components/BreakdownTable.tsx";
import { reportPath, type SpendResponse } from "../api.ts";
import { AreaChart, BarChart, preloadCharts } from "../components/charts/lazy.tsx";
import { DataView } from "../components/DataView.tsx";
import { Kpi, KpiRow } from "../components/Kpi.tsx";
import { Panel } from "../components/Panel.tsx";
import { Segmented } from "../components/Segmented.tsx";
import { ShareTable } from "../components/ShareTable.tsx";
import { SpendForecast } from "./SpendForecast.tsx";
import { useApi } from "../hooks/useApi.ts";
import { bucketRange, partialBucket } from "../lib/buckets.ts";
import { formatBucket, formatCount, formatTokens } from "../lib/format.ts";
import { chartUsdFormatter, formatUsd } from "../lib/money.ts";
import { chartValues, explodeFields, INDEX, pivotSums } from "../lib/series.ts";
import { groupLabel, shareTable, topCategories } from "../lib/topn.ts";
import { GROUP_BYS, pageHref, patchView, type GroupBy } from "../lib/url-state.ts";
import type { PageProps } from "./types.ts";
import { moneyTitle } from "../components/Money.tsx";
import { zoomView } from "../lib/zoom.ts";

// recharts starts loading with this page's code, alongside its data requests (charts/lazy.tsx)
preloadCharts("bar", "area");

const CHART_GROUPS = 8;
const TABLE_ROWS = 8;
const TOKEN_KINDS = ["input", "cached input", "output"];

/** Groups the Spend page asks for; the rest come as one "(other)" group with their exact sums. */
const CHART_TOP_GROUPS = 50;

export function SpendPage({ view, range, go }: PageProps): ReactElement {
  const base = { from: range.from, to: range.to, interval: range.interval, filters: { ...view.filters, outcome: null }, prop: view.prop };
  // the top groups plus "(other)": a grouping by user over a month stays a small answer
  const top = { top: String(CHART_TOP_GROUPS) };
  const main = useApi<SpendResponse>(reportPath("spend", { ...base, groupBy: view.groupBy, compare: "previous", extra: top }));
  const apps = useApi<SpendResponse>(reportPath("spend", { ...base, groupBy: "app", extra: top }));
  const models = useApi<SpendResponse>(reportPath("spend", { ...base, groupBy: "model", extra: top }));
  const csv = reportPath("spend.csv", { ...base, groupBy: view.groupBy });
  const zoomTo = (bucket: string) => {
    const zoomed = zoomView(view, bucket, range.interval);
    if (zoomed) go("spend", zoomed);
  };
  const filterHref = (key: "app" | "model") => (value: string) => pageHref("spend", patchView(view, { filters: { [key]: value } }));

  return (
    <div className="page" data-testid="page-spend">
      <div className="page-title">
        <h1>Spend</h1>
        <a
          className="button"
          href={pageHref("statement", patchView(view, { month: view.month ?? wholeMonth(range.from, range.to) }))}
          data-testid="spend-statement"
        >
          Statement
        </a>
        <a className="button" href={csv} download data-testid="spend-csv">
          Export CSV
        </a>
      </div>
      {view.prop ? (
        <div className="banner banner-ok" data-testid="prop-filter">
          Only calls with property {view.prop.replace("=", " = ")}.{" "}
          <a href={pageHref("spend", patchView(view, { prop: null }))}>Show all</a>
        </div>
      ) : null}
      <DataView state={main}>
        {(d) => {
          const categories = topCategories(
            d.groups.filter((g) => g.calls > 0).map((g) => groupLabel(g.key)),
            CHART_GROUPS,
          );
          const buckets = bucketRange(range.from, range.to, range.interval);
          const partial = partialBucket(buckets, range.interval, range.to, Date.now());
          const rows = pivotSums(d.series, {
            buckets,
            categories,
            bucketOf: (r) => r.bucket,
            groupOf: (r) => groupLabel(r.group),
            valueOf: (r) => r.costUsd,
          });
          const tokenRows = pivotSums(
            explodeFields(d.series, {
              input: (r) => r.inputTokens,
              "cached input": (r) => r.cachedInputTokens,
              output: (r) => r.outputTokens,
            }),
            { buckets, categories: TOKEN_KINDS, bucketOf: (r) => r.bucket, groupOf: (r) => r.kind, valueOf: (r) => r.value },
          );
          const bucketLabel = (b: string) => formatBucket(b, range.interval);
          return (
            <>
              <KpiRow>
                <Kpi label="Total cost" value={formatUsd(d.totals.costUsd)} hint={moneyTitle(d.totals.costUsd)} testId="spend-total" />
                <Kpi label="Calls" value={formatCount(d.totals.calls)} testId="spend-calls" />
                <Kpi
                  label="Input tokens"
                  value={formatTokens(d.totals.inputTokens)}
                  hint={`${formatCount(d.totals.cachedInputTokens)} cached`}
                  testId="spend-input-tokens"
                />
                <Kpi
                  label="Output tokens"
                  value={formatTokens(d.totals.outputTokens)}
                  hint={`${formatCount(d.totals.reasoningTokens)} reasoning`}
                  testId="spend-output-tokens"
                />
                <Kpi
                  label="Unpriced calls"
                  value={formatCount(d.totals.unpricedCalls)}
                  tone={d.totals.unpricedCalls > 0 ? "warn" : undefined}
                  testId="spend-unpriced"
                />
              </KpiRow>
              {d.totals.unpricedCalls > 0 ? (
                <div className="banner banner-warn" data-testid="unpriced-banner">
                  {formatCount(d.totals.unpricedCalls)} call{d.totals.unpricedCalls === 1 ? "" : "s"} in this range had no matching price,
                  so {d.totals.unpricedCalls === 1 ? "its" : "their"} cost is not in the total.{" "}
                  <a href={pageHref("prices", view)}>Add the missing prices →</a>
                </div>
              ) : null}
              <Panel
                title="Cost over time"
                note="Click a bar to zoom into that period."
                actions={
                  <>
                    <Segmented
                      label="Stack by"
                      options={GROUP_BYS}
                      value={view.groupBy}
                      testId="groupby"
                      onChange={(g: GroupBy) => go("spend", patchView(view, { groupBy: g }))}
                    />
                    <PropertyStack groupBy={view.groupBy} onChange={(g) => go("spend", patchView(view, { groupBy: g }))} />
                  </>
                }
              >
                {d.totals.calls === 0 ? (
                  <p className="muted" data-testid="empty">
                    No calls in this range.
                  </p>
                ) : (
                  <BarChart
                    data={rows}
                    index={INDEX}
                    categories={categories}
                    valueFormatter={chartUsdFormatter(chartValues(rows, categories))}
                    indexFormatter={bucketLabel}
                    partial={partial}
                    onIndexClick={zoomTo}
                    testId="spend-chart"
                    label="Cost over time"
                  />
                )}
              </Panel>
              <Panel
                title={`Breakdown by ${view.groupBy
                  .split(",")
                  .map((g) => g.replace("property:", ""))
                  .join(", ")}`}
                testId="breakdown-panel"
                note={d.compare ? `Compared with ${d.compare.from.slice(0, 10)} – ${d.compare.to.slice(0, 10)} (UTC).` : undefined}
              >
                <CoverageWarning data={d} />
                <BreakdownTable data={d} />
              </Panel>
              {d.totals.calls > 0 ? (
                <Panel title="Tokens over time" note="Input includes cached input; output includes reasoning.">
                  <AreaChart
                    data={tokenRows}
                    index={INDEX}
                    categories={TOKEN_KINDS}
                    stacked={false}
                    valueFormatter={formatTokens}
                    indexFormatter={bucketLabel}
                    partial={partial}
                    onIndexClick={zoomTo}
                    height={200}
                    testId="tokens-chart"
                    label="Tokens over time"
                  />
                </Panel>
              ) : null}
            </>
          );
        }}
      </DataView>
      <div className="grid-2">
        <Panel title="Top apps" testId="top-apps-panel">
          <DataView state={apps} isEmpty={(d) => d.groups.length === 0} empty="No calls in this range.">
            {(d) => (
              <ShareTable
                rows={shareTable(d.groups, d.totals.costUsd, TABLE_ROWS)}
                keyLabel="App"
                testId="top-apps"
                hrefFor={filterHref("app")}
              />
            )}
          </DataView>
        </Panel>
        <Panel title="Top models" testId="top-models-panel">
          <DataView state={models} isEmpty={(d) => d.groups.length === 0} empty="No calls in this range.">
            {(d) => (
              <ShareTable
                rows={shareTable(d.groups, d.totals.costUsd, TABLE_ROWS)}
                keyLabel="Model"
                testId="top-models"
                hrefFor={filterHref("model")}
              />
            )}
          </DataView>
        </Panel>
      </div>
      <SpendForecast filters={view.filters} />
    </div>
  );
}

/** "2026-11" when [from, to) is exactly that UTC calendar month; null otherwise. */
function wholeMonth(from: string, to: string): string | null {
  const f = new Date(from);
  const next = new Date(Date.UTC(f.getUTCFullYear(), f.getUTCMonth() + 1, 1)).toISOString();
  return from.endsWith("-01T00:00:00.000Z") && next === to ? from.slice(0, 7) : null;
}

/** Stacks by a request property (x-tollgate-property-<name>): type its name. */
function PropertyStack(props: { groupBy: string; onChange: (groupBy: string) => void }): ReactElement {
  const current = props.groupBy.startsWith("property:") && !props.groupBy.includes(",") ? props.groupBy.slice(9) : "";
  const [name, setName] = useState(current);
  useEffect(() => setName(current), [current]);
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        const n = name.trim().toLowerCase();
        if (/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(n)) props.onChange(`property:${n}`);
      }}
    >
      <label>
        or property{" "}
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="team" size={10} data-testid="groupby-property" />
      </label>
      <button type="submit" data-testid="groupby-property-apply" className={current ? "active" : ""}>
        Stack
      </button>
    </form>
  );
}

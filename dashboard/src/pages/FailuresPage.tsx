// Failures: error rate and failure counts over time by provider/app/model, the outcome breakdown, and
// the top errors — each linking to its last failing call. Clicking a bar narrows the range to that bucket.
// Above them, whatever the range, the failed calls of the last 15 minutes by status, one click from the log.
import type { ReactElement } from "react";
import { reportPath, type FailuresResponse } from "../api.ts";
import { OUTCOME_COLORS } from "../components/charts/common.tsx";
import { BarChart, LineChart, preloadCharts } from "../components/charts/lazy.tsx";
import { DataView } from "../components/DataView.tsx";
import { Kpi, KpiRow } from "../components/Kpi.tsx";
import { Panel } from "../components/Panel.tsx";
import { Segmented } from "../components/Segmented.tsx";
import { useApi } from "../hooks/useApi.ts";
import { bucketRange, chooseFailuresInterval, partialBucket } from "../lib/buckets.ts";
import { formatBucket, formatCount, formatPercent, plainCount } from "../lib/format.ts";
import { explodeOutcomes, INDEX, pivotRatios, pivotSums } from "../lib/series.ts";
import { groupLabel, topCategories } from "../lib/topn.ts";
import { FAILURE_STACKS, GROUP_BYS, patchView, type FailureStack, type GroupBy } from "../lib/url-state.ts";
import { zoomView } from "../lib/zoom.ts";
import { GroupFailuresTable, OutcomeTable, TopErrorsTable } from "./FailureTables.tsx";
import { RecentFailures } from "./RecentFailures.tsx";
import type { PageProps } from "./types.ts";

// recharts starts loading with this page's code, alongside its data requests (charts/lazy.tsx)
preloadCharts("bar", "line");

const CHART_GROUPS = 6;

export function FailuresPage({ view, range: picked, go }: PageProps): ReactElement {
  const range = { ...picked, interval: chooseFailuresInterval(picked.from, picked.to, view.interval) };
  const state = useApi<FailuresResponse>(
    reportPath("failures", {
      from: range.from,
      to: range.to,
      interval: range.interval,
      groupBy: view.groupBy,
      filters: { ...view.filters, outcome: null },
    }),
  );
  const zoomTo = (bucket: string) => {
    const zoomed = zoomView(view, bucket, range.interval);
    if (zoomed) go("failures", zoomed);
  };

  return (
    <div className="page" data-testid="page-failures">
      <div className="page-title">
        <h1>Failures</h1>
      </div>
      <RecentFailures view={view} />
      <DataView state={state}>
        {(d) => {
          const buckets = bucketRange(range.from, range.to, range.interval);
          const partial = partialBucket(buckets, range.interval, range.to, Date.now());
          const categories = topCategories(
            d.groups.map((g) => groupLabel(g.key)),
            CHART_GROUPS,
          );
          const rates = pivotRatios(d.series, {
            buckets,
            categories,
            bucketOf: (r) => r.bucket,
            groupOf: (r) => groupLabel(r.group),
            numerator: (r) => r.failures,
            denominator: (r) => r.calls,
          });
          const outcomeRows = explodeOutcomes(d.series, (o) => o !== "ok");
          const outcomes = topCategories(
            Object.entries(d.totals.byOutcome)
              .filter(([o, n]) => o !== "ok" && n > 0)
              .sort((a, b) => b[1] - a[1])
              .map(([o]) => o),
            8,
          );
          const byOutcome = view.stack === "outcome";
          const counts = byOutcome
            ? pivotSums(outcomeRows, {
                buckets,
                categories: outcomes,
                bucketOf: (r) => r.bucket,
                groupOf: (r) => r.outcome,
                valueOf: (r) => r.count,
              })
            : pivotSums(d.series, {
                buckets,
                categories,
                bucketOf: (r) => r.bucket,
                groupOf: (r) => groupLabel(r.group),
                valueOf: (r) => r.failures,
              });
          const bucketLabel = (b: string) => formatBucket(b, range.interval);
          return (
            <>
              <KpiRow>
                <Kpi label="Calls" value={formatCount(d.totals.calls)} testId="failures-calls" />
                <Kpi
                  label="Failures"
                  value={formatCount(d.totals.failures)}
                  tone={d.totals.failures > 0 ? "bad" : undefined}
                  testId="failures-count"
                />
                <Kpi label="Error rate" value={formatPercent(d.totals.calls > 0 ? d.totals.errorRate : null)} testId="failures-rate" />
              </KpiRow>
              {d.totals.calls === 0 ? (
                <p className="state state-empty" data-testid="empty">
                  No calls in this range.
                </p>
              ) : null}
              <div className="grid-2">
                <Panel
                  title="Failures"
                  note="Click a bar to zoom into that period."
                  actions={
                    <Segmented
                      label="Stack by"
                      options={FAILURE_STACKS}
                      value={view.stack}
                      testId="stack"
                      format={(s) => (s === "group" ? view.groupBy : s)}
                      onChange={(s: FailureStack) => go("failures", patchView(view, { stack: s }))}
                    />
                  }
                >
                  {d.totals.failures === 0 ? (
                    <p className="muted" data-testid="no-failures">
                      No failures in this range.
                    </p>
                  ) : (
                    <BarChart
                      data={counts}
                      index={INDEX}
                      categories={byOutcome ? outcomes : categories}
                      valueFormatter={plainCount}
                      integer
                      colors={byOutcome ? OUTCOME_COLORS : undefined}
                      indexFormatter={bucketLabel}
                      partial={partial}
                      onIndexClick={zoomTo}
                      testId="failures-chart"
                      label={`Failures over time by ${byOutcome ? "outcome" : view.groupBy}`}
                    />
                  )}
                </Panel>
                <Panel
                  title="Error rate"
                  actions={
                    <Segmented
                      label="By"
                      options={GROUP_BYS.filter((g) => g !== "user")}
                      value={view.groupBy}
                      testId="groupby"
                      onChange={(g: GroupBy) => go("failures", patchView(view, { groupBy: g }))}
                    />
                  }
                  note="Gaps are periods without calls."
                >
                  <LineChart
                    data={rates}
                    index={INDEX}
                    categories={categories}
                    valueFormatter={(v) => formatPercent(v)}
                    indexFormatter={bucketLabel}
                    partial={partial}
                    onIndexClick={zoomTo}
                    testId="error-rate-chart"
                    label="Error rate over time"
                  />
                </Panel>
              </div>
              <Panel title="Top errors" testId="top-errors-panel" note="Each error links to the last call that failed with it.">
                <TopErrorsTable errors={d.topErrors} view={view} />
              </Panel>
              <div className="grid-2">
                <Panel title="Outcomes">
                  <OutcomeTable byOutcome={d.totals.byOutcome} total={d.totals.calls} view={view} />
                </Panel>
                <Panel title={`By ${view.groupBy}`}>
                  <GroupFailuresTable groups={d.groups} />
                </Panel>
              </div>
            </>
          );
        }}
      </DataView>
    </div>
  );
}

// Latency: p50/p90/p95/p99 of total latency and time to first token over time, by provider, app or model,
// of successful calls unless another outcome is chosen; the chart draws the groups ticked in the table (the
// slowest by p95 by default); streams apart; the slowest calls (with their own outcome filter) linked to their
// detail. Buckets without samples are gaps, not zeros.
import type { ReactElement } from "react";
import { OUTCOMES, reportPath, type LatencyResponse } from "../api.ts";
import { LineChart, preloadCharts } from "../components/charts/lazy.tsx";
import { DataView } from "../components/DataView.tsx";
import { Kpi, KpiRow } from "../components/Kpi.tsx";
import { Panel } from "../components/Panel.tsx";
import { Segmented } from "../components/Segmented.tsx";
import { useApi } from "../hooks/useApi.ts";
import { bucketRange, partialBucket } from "../lib/buckets.ts";
import { formatBucket, formatCount, formatDateTime, formatMs } from "../lib/format.ts";
import { INDEX, pivotPoints } from "../lib/series.ts";
import { GROUP_BYS, pageHref, patchView, PERCENTILES, type GroupBy, type Percentile } from "../lib/url-state.ts";
import { OutcomeBadge } from "./FailureTables.tsx";
import { groupLabel } from "../lib/topn.ts";
import { zoomView } from "../lib/zoom.ts";
import { LatencyGroupsTable } from "./LatencyGroupsTable.tsx";
import { LatencyStreams } from "./LatencyStreams.tsx";
import type { PageProps } from "./types.ts";

// recharts starts loading with this page's code, alongside its data requests (charts/lazy.tsx)
preloadCharts("line");

const CHART_GROUPS = 6;
const OUTCOME_LABEL: Record<string, string> = { ok: "successful calls", all: "all calls", failed: "failed calls" };

function OutcomeSelect(props: {
  value: string;
  onChange: (v: string) => void;
  testId: string;
  label: string;
  first: Array<[string, string]>;
}): ReactElement {
  return (
    <label className="control">
      {props.label}{" "}
      <select value={props.value} data-testid={props.testId} onChange={(e) => props.onChange(e.target.value)}>
        {props.first.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
        {OUTCOMES.filter((o) => o !== "ok").map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

export function LatencyPage({ view, range, go }: PageProps): ReactElement {
  const outcome = view.latOutcome === "all" ? null : view.latOutcome;
  const state = useApi<LatencyResponse>(
    reportPath("latency", {
      from: range.from,
      to: range.to,
      interval: range.interval,
      groupBy: view.groupBy,
      filters: { ...view.filters, outcome },
      extra: { slowestOutcome: view.slowOutcome },
    }),
  );
  const pct = view.pct;
  const zoomTo = (bucket: string) => {
    const zoomed = zoomView(view, bucket, range.interval);
    if (zoomed) go("latency", zoomed);
  };
  const which = OUTCOME_LABEL[view.latOutcome] ?? `${view.latOutcome} calls`;

  return (
    <div className="page" data-testid="page-latency">
      <div className="page-title">
        <h1>Latency</h1>
        <div className="controls">
          <Segmented
            label="By"
            options={GROUP_BYS.filter((g) => g !== "user")}
            value={view.groupBy}
            testId="groupby"
            onChange={(g: GroupBy) => go("latency", patchView(view, { groupBy: g }))}
          />
          <Segmented
            label="Percentile"
            options={PERCENTILES}
            value={pct}
            testId="pct"
            onChange={(p: Percentile) => go("latency", patchView(view, { pct: p }))}
          />
          <OutcomeSelect
            label="Calls"
            value={view.latOutcome}
            testId="latency-outcome"
            first={[
              ["ok", "successful"],
              ["all", "all"],
              ["failed", "any failure"],
            ]}
            onChange={(v) => go("latency", patchView(view, { latOutcome: v }))}
          />
        </div>
      </div>
      <DataView state={state}>
        {(d) => {
          // percentiles cannot be merged, so the chart shows the slowest groups by p95 and no "other"
          const slowest = [...d.groups].sort((a, b) => (b.latencyMs.p95 ?? -1) - (a.latencyMs.p95 ?? -1) || a.key.localeCompare(b.key));
          // the groups ticked in the table, else the slowest by p95
          const ticked = view.selected.filter((k) => d.groups.some((g) => groupLabel(g.key) === k));
          const categories = (ticked.length > 0 ? ticked : slowest.slice(0, CHART_GROUPS).map((g) => g.key)).map(groupLabel);
          const buckets = bucketRange(range.from, range.to, range.interval);
          // the last bucket, when it runs past now, holds only the calls so far: drawn dashed and noted
          const partial = partialBucket(buckets, range.interval, range.to, Date.now());
          const common = {
            buckets,
            categories,
            bucketOf: (r: LatencyResponse["series"][number]) => r.bucket,
            groupOf: (r: LatencyResponse["series"][number]) => groupLabel(r.group),
          };
          const total = pivotPoints(d.series, { ...common, valueOf: (r) => r.latencyMs[pct] });
          const ttft = pivotPoints(d.series, { ...common, valueOf: (r) => r.ttftMs[pct] });
          const label = (b: string) => formatBucket(b, range.interval);
          const t = d.totals;
          return (
            <>
              <KpiRow>
                <Kpi label={`Calls (${which.replace(" calls", "")})`} value={formatCount(t.calls)} testId="latency-calls" />
                <Kpi label="Latency p50" value={formatMs(t.latencyMs.p50)} testId="latency-p50" />
                <Kpi label="Latency p90" value={formatMs(t.latencyMs.p90)} testId="latency-p90" />
                <Kpi label="Latency p95" value={formatMs(t.latencyMs.p95)} testId="latency-p95" />
                <Kpi label="Latency p99" value={formatMs(t.latencyMs.p99)} testId="latency-p99" />
                <Kpi label="TTFT p50" value={formatMs(t.ttftMs.p50)} testId="ttft-p50" />
                <Kpi label="TTFT p90" value={formatMs(t.ttftMs.p90)} testId="ttft-p90" />
              </KpiRow>
              {t.calls === 0 ? (
                <p className="state state-empty" data-testid="empty">
                  No calls in this range.
                </p>
              ) : null}
              <div className="grid-2">
                <Panel
                  title={`Total latency ${pct}, ${which}`}
                  testId="latency-chart-panel"
                  note={
                    ticked.length > 0
                      ? `The ${ticked.length} groups ticked in the table.`
                      : categories.length < d.groups.length
                        ? `The ${CHART_GROUPS} slowest by p95 of ${d.groups.length} groups; tick groups in the table to chart others.`
                        : "Gaps are periods without calls. Click a point to zoom into that period."
                  }
                >
                  <LineChart
                    data={total}
                    index={INDEX}
                    categories={categories}
                    valueFormatter={formatMs}
                    indexFormatter={label}
                    partial={partial}
                    onIndexClick={zoomTo}
                    testId="latency-chart"
                    label="Total latency over time"
                  />
                </Panel>
                <Panel
                  title={`Time to first token ${pct}`}
                  note="First token for streams, first byte otherwise. Click a point to zoom into that period."
                >
                  <LineChart
                    data={ttft}
                    index={INDEX}
                    categories={categories}
                    valueFormatter={formatMs}
                    indexFormatter={label}
                    partial={partial}
                    onIndexClick={zoomTo}
                    testId="ttft-chart"
                    label="Time to first token over time"
                  />
                </Panel>
              </div>
              <Panel
                title={`By ${view.groupBy}, ${which}`}
                actions={
                  ticked.length > 0 ? (
                    <button
                      type="button"
                      className="link-button"
                      data-testid="chart-reset"
                      onClick={() => go("latency", patchView(view, { selected: [] }))}
                    >
                      Chart the slowest
                    </button>
                  ) : undefined
                }
              >
                <LatencyGroupsTable
                  groups={d.groups}
                  charted={categories}
                  onToggle={(key: string) =>
                    go(
                      "latency",
                      patchView(view, {
                        selected: categories.includes(groupLabel(key))
                          ? categories.filter((k) => k !== groupLabel(key))
                          : [...categories, groupLabel(key)],
                      }),
                    )
                  }
                />
              </Panel>
              <LatencyStreams view={view} range={range} outcome={view.latOutcome} />
              <Panel
                title="Slowest calls"
                testId="slowest-panel"
                actions={
                  <OutcomeSelect
                    label="Outcome"
                    value={view.slowOutcome ?? ""}
                    testId="slowest-outcome"
                    first={[
                      [
                        "",
                        `as above (${view.latOutcome === "ok" ? "successful" : view.latOutcome === "failed" ? "any failure" : view.latOutcome})`,
                      ],
                      ["all", "all"],
                      ["ok", "successful"],
                      ["failed", "any failure"],
                    ]}
                    onChange={(v) => go("latency", patchView(view, { slowOutcome: v === "" ? null : v }))}
                  />
                }
              >
                {d.slowest.length === 0 ? (
                  <p className="muted">No calls in this range.</p>
                ) : (
                  <table className="table" data-testid="slowest">
                    <thead>
                      <tr>
                        <th>Started</th>
                        <th>Provider</th>
                        <th>Model</th>
                        <th>App</th>
                        <th>Outcome</th>
                        <th className="num">Latency</th>
                        <th className="num">TTFT</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.slowest.map((c) => (
                        <tr key={c.id} data-testid="slowest-row">
                          <td className="nowrap">
                            <a href={pageHref("call", view, c.id)} data-testid="slowest-link">
                              {formatDateTime(c.startedAt)}
                            </a>
                          </td>
                          <td>{c.provider}</td>
                          <td>{c.model ?? "—"}</td>
                          <td>{c.app}</td>
                          <td>
                            <OutcomeBadge outcome={c.outcome} />
                          </td>
                          <td className="num" data-testid="slowest-latency">
                            {formatMs(c.latencyMs)}
                          </td>
                          <td className="num">{formatMs(c.ttftMs)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </Panel>
            </>
          );
        }}
      </DataView>
    </div>
  );
}

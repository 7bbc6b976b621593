// The Latency page's per-group table, sortable by any column (slowest by p95 first); a tick beside each group
// puts it on the chart or takes it off.
import { useState, type ReactElement } from "react";
import type { LatencyResponse } from "../api.ts";
import { SortHeader } from "../components/SortHeader.tsx";
import { formatCount, formatMs } from "../lib/format.ts";
import { sortRows, toggleSort, type SortState, type SortValue } from "../lib/sort.ts";
import { groupLabel } from "../lib/topn.ts";

type Group = LatencyResponse["groups"][number];
const PCTS = ["p50", "p90", "p95", "p99"] as const;
type Column = "group" | "calls" | `lat_${(typeof PCTS)[number]}` | `ttft_${(typeof PCTS)[number]}`;

export const DEFAULT_LATENCY_SORT: SortState<Column> = { key: "lat_p95", desc: true };

function valueOf(g: Group, key: Column): SortValue {
  if (key === "group") return groupLabel(g.key);
  if (key === "calls") return g.calls;
  const [kind, p] = key.split("_") as ["lat" | "ttft", (typeof PCTS)[number]];
  return (kind === "lat" ? g.latencyMs : g.ttftMs)[p];
}

export function LatencyGroupsTable(props: {
  groups: Group[];
  charted?: readonly string[];
  onToggle?: (key: string) => void;
}): ReactElement {
  const [sort, setSort] = useState(DEFAULT_LATENCY_SORT);
  const onSort = (key: Column) => setSort((s) => toggleSort(s, key));
  const head = (column: Column, label: string, num = true) => (
    <SortHeader column={column} sort={sort} onSort={onSort} num={num}>
      {label}
    </SortHeader>
  );
  return (
    <table className="table" data-testid="latency-groups">
      <thead>
        <tr>
          {head("group", "Group", false)}
          {head("calls", "Calls")}
          {PCTS.map((p) => (
            <SortHeader key={p} column={`lat_${p}` as Column} sort={sort} onSort={onSort} num>
              {p}
            </SortHeader>
          ))}
          {PCTS.map((p) => (
            <SortHeader key={p} column={`ttft_${p}` as Column} sort={sort} onSort={onSort} num>{`TTFT ${p}`}</SortHeader>
          ))}
        </tr>
      </thead>
      <tbody>
        {sortRows(props.groups, sort, valueOf).map((g) => (
          <tr key={g.key} data-testid="latency-group-row">
            <td>
              {props.onToggle ? (
                <label className="chart-toggle">
                  <input
                    type="checkbox"
                    checked={props.charted?.includes(groupLabel(g.key)) ?? false}
                    data-testid="latency-group-chart"
                    aria-label={`Chart ${groupLabel(g.key)}`}
                    onChange={() => props.onToggle?.(g.key)}
                  />
                  {groupLabel(g.key)}
                </label>
              ) : (
                groupLabel(g.key)
              )}
            </td>
            <td className="num">{formatCount(g.calls)}</td>
            {PCTS.map((p) => (
              <td key={p} className="num">
                {formatMs(g.latencyMs[p])}
              </td>
            ))}
            {PCTS.map((p) => (
              <td key={`t${p}`} className="num">
                {formatMs(g.ttftMs[p])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

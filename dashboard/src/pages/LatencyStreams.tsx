// The Latency page's streams panel: time to first token of streamed and non-streamed calls apart, and how
// fast successful streams produced tokens (GET /api/latency/streams; ranges up to 31 days).
import type { ReactElement } from "react";
import { reportPath, type StreamsResponse } from "../api.ts";
import { DataView } from "../components/DataView.tsx";
import { Panel } from "../components/Panel.tsx";
import { useApi } from "../hooks/useApi.ts";
import { formatCount, formatMs } from "../lib/format.ts";
import { groupLabel } from "../lib/topn.ts";
import type { PageProps } from "./types.ts";

export const STREAMS_MAX_DAYS = 31;
const STREAM_GROUPS = ["provider", "app", "model"];

export function formatRate(v: number | null): string {
  return v === null ? "—" : `${v.toLocaleString("en-US", { maximumFractionDigits: 1 })} tok/s`;
}

export function LatencyStreams({ view, range, outcome }: Pick<PageProps, "view" | "range"> & { outcome: string }): ReactElement {
  const tooLong = Date.parse(range.to) - Date.parse(range.from) > STREAMS_MAX_DAYS * 86_400_000;
  const groupBy = STREAM_GROUPS.includes(view.groupBy) ? view.groupBy : "model";
  const path = tooLong
    ? null
    : reportPath("latency/streams", {
        from: range.from,
        to: range.to,
        groupBy,
        filters: { ...view.filters, outcome: null },
        extra: { outcome },
      });
  const state = useApi<StreamsResponse>(path);
  const note =
    "Tokens per second: output tokens divided by generation time (latency minus time to first token), summed over the successful streamed calls of the group.";
  return (
    <Panel title={`Streams by ${groupBy}`} testId="streams-panel" note={note}>
      {tooLong ? (
        <p className="muted" data-testid="streams-too-long">
          Choose a range of {STREAMS_MAX_DAYS} days or less: this split reads every call of the range.
        </p>
      ) : (
        <DataView state={state} isEmpty={(d) => d.groups.length === 0} empty="No calls in this range.">
          {(d) => (
            <table className="table" data-testid="streams">
              <thead>
                <tr>
                  <th>{groupBy}</th>
                  <th className="num">Streamed</th>
                  <th className="num">TTFT p50</th>
                  <th className="num">TTFT p95</th>
                  <th className="num">Not streamed</th>
                  <th className="num">TTFT p50</th>
                  <th className="num">TTFT p95</th>
                  <th className="num">Tokens/s</th>
                </tr>
              </thead>
              <tbody>
                {d.groups.map((g) => (
                  <tr key={g.key} data-testid="streams-row">
                    <td>{groupLabel(g.key)}</td>
                    <td className="num">{formatCount(g.streamed.calls)}</td>
                    <td className="num">{formatMs(g.streamed.ttftMs.p50)}</td>
                    <td className="num">{formatMs(g.streamed.ttftMs.p95)}</td>
                    <td className="num">{formatCount(g.nonStreamed.calls)}</td>
                    <td className="num">{formatMs(g.nonStreamed.ttftMs.p50)}</td>
                    <td className="num">{formatMs(g.nonStreamed.ttftMs.p95)}</td>
                    <td
                      className="num"
                      data-testid="streams-rate"
                      title={`${formatCount(g.outputTokens)} output tokens in ${formatMs(g.generationMs)} of generation over ${formatCount(g.generationCalls)} streams`}
                    >
                      {formatRate(g.tokensPerSecond)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </DataView>
      )}
    </Panel>
  );
}

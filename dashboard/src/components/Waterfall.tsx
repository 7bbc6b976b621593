// The calls of one session or trace on a shared time axis: each bar starts at the call's start and spans
// its latency; the darker part is the time to the first token. The current call, if any, is highlighted.
import type { ReactElement } from "react";
import type { SessionCall } from "../api.ts";
import { formatMs } from "../lib/format.ts";
import { CALL_DIGITS } from "../lib/money.ts";
import type { ViewState } from "../lib/url-state.ts";
import { routeHash } from "../lib/url-state.ts";
import { Money } from "./Money.tsx";

/** Each bar's position and size in percent of the span from the first call's start to the last end. */
export function waterfallLayout(calls: readonly SessionCall[]): Array<{ left: number; width: number; ttft: number | null }> {
  const end = Math.max(1, ...calls.map((c) => c.offsetMs + c.latencyMs));
  return calls.map((c) => ({
    left: (c.offsetMs / end) * 100,
    width: Math.max(0.5, (c.latencyMs / end) * 100),
    ttft: c.ttftMs === null ? null : Math.min(100, (c.ttftMs / Math.max(c.latencyMs, 1)) * 100),
  }));
}

export function Waterfall(props: { calls: readonly SessionCall[]; view: ViewState; current?: string }): ReactElement {
  const layout = waterfallLayout(props.calls);
  return (
    <table className="table waterfall" data-testid="waterfall">
      <thead>
        <tr>
          <th>Call</th>
          <th className="num">Start</th>
          <th className="waterfall-axis">Timeline</th>
          <th className="num">Latency</th>
          <th className="num">TTFT</th>
          <th className="num">Cost</th>
        </tr>
      </thead>
      <tbody>
        {props.calls.map((c, i) => {
          const bar = layout[i]!;
          return (
            <tr key={c.id} data-testid="waterfall-row" data-call-id={c.id} className={c.id === props.current ? "current" : undefined}>
              <td className="nowrap">
                <a href={routeHash("call", props.view, c.id)}>
                  {c.provider} · {c.model ?? c.endpoint}
                </a>
                {c.outcome !== "ok" ? <span className="tag tag-bad">{c.outcome}</span> : null}
              </td>
              <td className="num">+{formatMs(c.offsetMs)}</td>
              <td className="waterfall-axis">
                <div className="waterfall-track">
                  <div
                    className={c.outcome === "ok" ? "waterfall-bar" : "waterfall-bar waterfall-bar-bad"}
                    data-testid="waterfall-bar"
                    style={{ left: `${bar.left}%`, width: `${bar.width}%` }}
                    title={`${formatMs(c.latencyMs)}${c.ttftMs === null ? "" : `, first token after ${formatMs(c.ttftMs)}`}`}
                  >
                    {bar.ttft === null ? null : <div className="waterfall-ttft" style={{ width: `${bar.ttft}%` }} />}
                  </div>
                </div>
              </td>
              <td className="num" data-testid="waterfall-latency">
                {formatMs(c.latencyMs)}
              </td>
              <td className="num" data-testid="waterfall-ttft">
                {formatMs(c.ttftMs)}
              </td>
              <td className="num" data-testid="waterfall-cost">
                <Money value={c.costUsd} digits={CALL_DIGITS} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

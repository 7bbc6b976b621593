// Calls: the filtered, cursor-paginated call log (FilterBar adds outcome or any failure, user, status, latency
// and cost above); a row opens the call's detail. The cursors followed are kept in the URL, so a shared link
// opens the same page of the log.
import type { ReactElement } from "react";
import { reportPath, type CallsPage as CallsResponse } from "../api.ts";
import { DataView } from "../components/DataView.tsx";
import { Panel } from "../components/Panel.tsx";
import { useApi } from "../hooks/useApi.ts";
import { formatCount, formatDateTime, formatMs, formatTokens } from "../lib/format.ts";
import { CALL_DIGITS } from "../lib/money.ts";
import { pageHref, patchView, routeHash } from "../lib/url-state.ts";
import { OutcomeBadge } from "./FailureTables.tsx";
import type { PageProps } from "./types.ts";
import { Money } from "../components/Money.tsx";

export const PAGE_SIZE = 50;

export function CallsPage({ view, range, go }: PageProps): ReactElement {
  const cursor = view.cursors.at(-1) ?? null;
  // the call log's own filters (user, status, latency and cost above) and a property go to the API as they are
  const query = { from: range.from, to: range.to, filters: view.filters, prop: view.prop, extra: view.callFilters };
  const filtered = Object.values(view.filters).some(Boolean) || Object.values(view.callFilters).some(Boolean) || view.prop !== null;
  const state = useApi<CallsResponse>(reportPath("calls", { ...query, limit: PAGE_SIZE, cursor }));
  const csv = reportPath("calls.csv", query);
  const pageNumber = view.cursors.length + 1;

  return (
    <div className="page" data-testid="page-calls">
      <div className="page-title">
        <h1>Calls</h1>
        <a className="button" href={csv} download data-testid="calls-csv">
          Export CSV
        </a>
      </div>
      <Panel
        title={`Page ${pageNumber}`}
        actions={
          <div className="pager">
            <button
              type="button"
              disabled={pageNumber === 1}
              data-testid="calls-newer"
              onClick={() => go("calls", patchView(view, { cursors: view.cursors.slice(0, -1) }))}
            >
              ← Newer
            </button>
            <button
              type="button"
              disabled={!state.data?.nextCursor}
              data-testid="calls-older"
              onClick={() => state.data?.nextCursor && go("calls", patchView(view, { cursors: [...view.cursors, state.data.nextCursor] }))}
            >
              Older →
            </button>
          </div>
        }
      >
        <DataView
          state={state}
          isEmpty={(d) => d.calls.length === 0}
          empty={filtered ? "No calls match these filters in this range." : "No calls in this range."}
        >
          {(d) => (
            <table className="table table-clickable" data-testid="calls-table">
              <thead>
                <tr>
                  <th>Started</th>
                  <th>Provider</th>
                  <th>App</th>
                  <th>Model</th>
                  <th>Outcome</th>
                  <th className="num">Status</th>
                  <th className="num">In</th>
                  <th className="num">Out</th>
                  <th className="num">Cost</th>
                  <th className="num">Latency</th>
                </tr>
              </thead>
              <tbody>
                {d.calls.map((c) => (
                  <tr
                    key={c.id}
                    data-testid="calls-row"
                    data-call-id={c.id}
                    tabIndex={0}
                    onClick={() => go("call", view, c.id)}
                    onKeyDown={(e) => {
                      if (e.key === "Enter") go("call", view, c.id);
                    }}
                  >
                    <td className="nowrap">
                      <a href={routeHash("call", view, c.id)} onClick={(e) => e.stopPropagation()}>
                        {formatDateTime(c.startedAt)}
                      </a>
                    </td>
                    <td>{c.provider}</td>
                    <td>{c.app}</td>
                    <td>
                      {c.model ?? "—"}
                      {c.stream ? <span className="tag">stream</span> : null}
                    </td>
                    <td>
                      <OutcomeBadge outcome={c.outcome} />
                    </td>
                    <td className="num">{c.status}</td>
                    <td className="num" title={`${formatCount(c.inputTokens)} input tokens`}>
                      {formatTokens(c.inputTokens)}
                    </td>
                    <td className="num" title={`${formatCount(c.outputTokens)} output tokens`}>
                      {formatTokens(c.outputTokens)}
                    </td>
                    <td className="num" data-testid="calls-cost">
                      {c.priced ? (
                        <Money value={c.costUsd} digits={CALL_DIGITS} />
                      ) : (
                        <span className="tag tag-warn" title="No price matched this call">
                          unpriced
                        </span>
                      )}
                    </td>
                    <td className="num">{formatMs(c.latencyMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </DataView>
      </Panel>
      {view.cursors.length > 0 ? (
        <p className="muted">
          <a href={pageHref("calls", view)}>Back to the newest calls</a>
        </p>
      ) : null}
    </div>
  );
}

// The Failures page's "last 15 minutes": the failed calls of the last 15 minutes (whatever range the page
// shows) counted by HTTP status, each status a link to exactly those calls in the call log.
import type { ReactElement } from "react";
import { reportPath, type CallsPage } from "../api.ts";
import { DataView } from "../components/DataView.tsx";
import { Panel } from "../components/Panel.tsx";
import { useApi } from "../hooks/useApi.ts";
import { useRefresh } from "../hooks/refresh.ts";
import { formatCount } from "../lib/format.ts";
import { pageHref, patchView, type ViewState } from "../lib/url-state.ts";

export const RECENT_MS = 15 * 60_000;
/** the failed calls read to count by status; when there are more, the panel says the counts cover these */
export const RECENT_LIMIT = 200;

interface StatusCount {
  status: number;
  count: number;
  outcomes: string[];
}

/** Failed calls counted by status, most frequent first (then by status). */
export function countByStatus(calls: ReadonlyArray<{ status: number; outcome: string }>): StatusCount[] {
  const by = new Map<number, StatusCount>();
  for (const c of calls) {
    const s = by.get(c.status) ?? { status: c.status, count: 0, outcomes: [] };
    s.count += 1;
    if (!s.outcomes.includes(c.outcome)) s.outcomes.push(c.outcome);
    by.set(c.status, s);
  }
  return [...by.values()].sort((a, b) => b.count - a.count || a.status - b.status);
}

/** The call log over the last 15 minutes, failed calls only, with the page's filters and optionally one status. */
export function recentFailuresHref(view: ViewState, status: number | null): string {
  return pageHref(
    "calls",
    patchView(view, {
      range: "15m",
      from: null,
      to: null,
      interval: null,
      filters: { outcome: "failed" },
      callFilters: { status: status === null ? null : String(status) },
    }),
  );
}

export function RecentFailures({ view }: { view: ViewState }): ReactElement {
  const { now } = useRefresh();
  const state = useApi<CallsPage>(
    reportPath("calls", {
      from: new Date(now - RECENT_MS).toISOString(),
      to: new Date(now).toISOString(),
      filters: { ...view.filters, outcome: "failed" },
      limit: RECENT_LIMIT,
    }),
  );
  return (
    <Panel title="Failed calls, last 15 minutes" testId="recent-failures" note="By HTTP status; each opens those calls.">
      <DataView state={state}>
        {(d) => {
          const counts = countByStatus(d.calls);
          if (counts.length === 0)
            return (
              <p className="muted" data-testid="recent-failures-none">
                No failed calls in the last 15 minutes.
              </p>
            );
          return (
            <>
              <ul className="status-links">
                {counts.map((s) => (
                  <li key={s.status}>
                    <a
                      href={recentFailuresHref(view, s.status)}
                      className="status-link"
                      data-testid="recent-failures-status"
                      data-status={s.status}
                      data-count={s.count}
                    >
                      <strong>{s.status}</strong> {s.outcomes.join(", ")} <span className="status-count">× {formatCount(s.count)}</span>
                    </a>
                  </li>
                ))}
                <li>
                  <a href={recentFailuresHref(view, null)} className="status-link" data-testid="recent-failures-all">
                    every status
                  </a>
                </li>
              </ul>
              {d.nextCursor ? (
                <p className="muted" data-testid="recent-failures-more">
                  Counted over the latest {formatCount(RECENT_LIMIT)} failed calls; there are more.
                </p>
              ) : null}
            </>
          );
        }}
      </DataView>
    </Panel>
  );
}

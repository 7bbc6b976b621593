// Sessions: the calls grouped by x-tollgate-session (or, without one, by W3C trace id), most recently
// active first, with what each cost and how long it ran; a row opens the session's waterfall.
import { useState, type ReactElement } from "react";
import { sessionsPath, type SessionsPage as SessionsResponse } from "../api.ts";
import { DataView } from "../components/DataView.tsx";
import { Panel } from "../components/Panel.tsx";
import { useApi } from "../hooks/useApi.ts";
import { formatCount, formatDateTime, formatMs } from "../lib/format.ts";
import { CALL_DIGITS } from "../lib/money.ts";
import { routeHash } from "../lib/url-state.ts";
import type { PageProps } from "./types.ts";
import { Money } from "../components/Money.tsx";

export function SessionsPage({ view, range, go }: PageProps): ReactElement {
  // The cursors followed, oldest first (a new range or filter starts again at the newest sessions).
  const [cursors, setCursors] = useState<string[]>([]);
  const query = { from: range.from, to: range.to, app: view.filters.app };
  const key = JSON.stringify(query);
  const [forKey, setForKey] = useState(key);
  if (forKey !== key) {
    setForKey(key);
    setCursors([]);
  }
  const state = useApi<SessionsResponse>(sessionsPath({ ...query, cursor: cursors.at(-1) ?? null }));
  return (
    <div className="page" data-testid="page-sessions">
      <div className="page-title">
        <h1>Sessions</h1>
      </div>
      <Panel
        title={`Page ${cursors.length + 1}`}
        note="Calls sent with the same x-tollgate-session header, or without one the same W3C traceparent trace id. Figures count the calls in the range."
        actions={
          <div className="pager">
            <button
              type="button"
              disabled={cursors.length === 0}
              data-testid="sessions-newer"
              onClick={() => setCursors((c) => c.slice(0, -1))}
            >
              ← Newer
            </button>
            <button
              type="button"
              disabled={!state.data?.nextCursor}
              data-testid="sessions-older"
              onClick={() => {
                const next = state.data?.nextCursor;
                if (next) setCursors((c) => [...c, next]);
              }}
            >
              Older →
            </button>
          </div>
        }
      >
        <DataView
          state={state}
          isEmpty={(d) => d.sessions.length === 0}
          empty="No sessions in this range. Send x-tollgate-session (or a W3C traceparent) with your calls to group them."
        >
          {(d) => (
            <table className="table table-clickable" data-testid="sessions-table">
              <thead>
                <tr>
                  <th>Session</th>
                  <th>Apps</th>
                  <th className="num">Calls</th>
                  <th className="num">Errors</th>
                  <th className="num">Cost</th>
                  <th className="num">Tokens in / out</th>
                  <th className="num">Duration</th>
                  <th>First call</th>
                  <th>Last call</th>
                </tr>
              </thead>
              <tbody>
                {d.sessions.map((s) => (
                  <tr
                    key={s.id}
                    data-testid="sessions-row"
                    data-session-id={s.id}
                    tabIndex={0}
                    onClick={() => go("session", view, s.id)}
                    onKeyDown={(e) => {
                      if (e.key === "Enter") go("session", view, s.id);
                    }}
                  >
                    <td className="mono">
                      <a href={routeHash("session", view, s.id)} onClick={(e) => e.stopPropagation()}>
                        {s.id}
                      </a>
                    </td>
                    <td>{s.apps.join(", ")}</td>
                    <td className="num">{formatCount(s.calls)}</td>
                    <td className="num" data-testid="sessions-errors">
                      {s.errors > 0 ? <span className="tag tag-bad">{formatCount(s.errors)}</span> : "0"}
                    </td>
                    <td className="num" data-testid="sessions-cost">
                      <Money value={s.costUsd} digits={CALL_DIGITS} />
                    </td>
                    <td className="num">
                      {formatCount(Number(s.inputTokens))} / {formatCount(Number(s.outputTokens))}
                    </td>
                    <td className="num">{formatMs(s.durationMs)}</td>
                    <td className="nowrap">{formatDateTime(s.firstCallAt)}</td>
                    <td className="nowrap">{formatDateTime(s.lastCallAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </DataView>
      </Panel>
    </div>
  );
}

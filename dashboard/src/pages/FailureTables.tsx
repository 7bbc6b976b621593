// The tables of the Failures page: top errors, outcome breakdown, per-group figures.
import type { ReactElement } from "react";
import type { FailuresResponse, TopError } from "../api.ts";
import { formatCount, formatDateTime, formatPercent } from "../lib/format.ts";
import { groupLabel } from "../lib/topn.ts";
import { pageHref, patchView, type ViewState } from "../lib/url-state.ts";

export function OutcomeBadge(props: { outcome: string }): ReactElement {
  return <span className={`badge ${props.outcome === "ok" ? "badge-ok" : "badge-bad"}`}>{props.outcome}</span>;
}

export function TopErrorsTable(props: { errors: TopError[]; view: ViewState }): ReactElement {
  if (props.errors.length === 0)
    return (
      <p className="muted" data-testid="no-errors">
        No errors in this range.
      </p>
    );
  return (
    <table className="table" data-testid="top-errors">
      <thead>
        <tr>
          <th>Provider</th>
          <th>App</th>
          <th>Model</th>
          <th>Outcome</th>
          <th className="num">Status</th>
          <th>Error</th>
          <th className="num">Count</th>
          <th>Last seen</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {props.errors.map((e) => (
          <tr
            key={`${e.provider}|${e.app}|${e.model ?? ""}|${e.outcome}|${e.errorType ?? ""}|${e.errorMessage ?? ""}`}
            data-testid="top-error-row"
          >
            <td>{e.provider}</td>
            <td data-testid="top-error-app">{e.app}</td>
            <td data-testid="top-error-model">{e.model ?? "—"}</td>
            <td>
              <OutcomeBadge outcome={e.outcome} />
            </td>
            <td className="num" data-testid="top-error-status" title="HTTP status of the last call">
              {e.status ?? "—"}
            </td>
            <td className="error-cell">
              <code>{e.errorType ?? "—"}</code>
              {e.errorMessage ? (
                <div className="error-message" title={e.errorMessage}>
                  {e.errorMessage}
                </div>
              ) : null}
            </td>
            <td className="num" data-testid="top-error-count">
              {formatCount(e.count)}
            </td>
            <td className="nowrap">{formatDateTime(e.lastSeen)}</td>
            <td className="nowrap">
              <a href={pageHref("call", props.view, e.lastCallId)} data-testid="top-error-last-call">
                Last call →
              </a>{" "}
              <span className="muted">·</span>{" "}
              <a
                href={pageHref(
                  "calls",
                  patchView(props.view, { filters: { provider: e.provider, app: e.app, model: e.model, outcome: e.outcome } }),
                )}
              >
                all calls
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OutcomeTable(props: { byOutcome: Record<string, number>; total: number; view: ViewState }): ReactElement {
  const entries = Object.entries(props.byOutcome)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return <p className="muted">No calls in this range.</p>;
  return (
    <table className="table" data-testid="outcomes">
      <thead>
        <tr>
          <th>Outcome</th>
          <th className="num">Calls</th>
          <th className="num">Share</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([outcome, n]) => (
          <tr key={outcome} data-testid="outcome-row" data-outcome={outcome}>
            <td>
              <a href={pageHref("calls", patchView(props.view, { filters: { outcome } }))}>
                <OutcomeBadge outcome={outcome} />
              </a>
            </td>
            <td className="num" data-testid="outcome-count">
              {formatCount(n)}
            </td>
            <td className="num">{formatPercent(props.total > 0 ? n / props.total : null)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function GroupFailuresTable(props: { groups: FailuresResponse["groups"] }): ReactElement {
  if (props.groups.length === 0) return <p className="muted">No calls in this range.</p>;
  return (
    <table className="table" data-testid="failure-groups">
      <thead>
        <tr>
          <th>Group</th>
          <th className="num">Calls</th>
          <th className="num">Failures</th>
          <th className="num">Error rate</th>
        </tr>
      </thead>
      <tbody>
        {props.groups.map((g) => (
          <tr key={g.key}>
            <td>{groupLabel(g.key)}</td>
            <td className="num">{formatCount(g.calls)}</td>
            <td className="num">{formatCount(g.failures)}</td>
            <td className="num">{formatPercent(g.calls > 0 ? g.errorRate : null)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

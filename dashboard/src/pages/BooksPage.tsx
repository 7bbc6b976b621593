// The books: close a month (its costs freeze: prices recompute refuses it) or reopen it with a reason, and
// the audit log of price, budget and period changes.
import { useState, type ReactElement } from "react";
import { closePeriod, reopenPeriod, type AuditResponse, type PeriodsResponse } from "../api.ts";
import { DataView } from "../components/DataView.tsx";
import { Panel } from "../components/Panel.tsx";
import { useApi } from "../hooks/useApi.ts";
import { formatCount, formatDateTime } from "../lib/format.ts";
import type { PageProps } from "./types.ts";
import { previousMonth } from "./StatementPage.tsx";
import { Money } from "../components/Money.tsx";

export function BooksPage({ range }: PageProps): ReactElement {
  const [epoch, setEpoch] = useState(0);
  const periods = useApi<PeriodsResponse>(`/api/periods?v=${epoch}`);
  const audit = useApi<AuditResponse>(`/api/audit?limit=100&v=${epoch}`);
  const [month, setMonth] = useState(previousMonth(range.to));
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const act = async (f: () => Promise<unknown>) => {
    try {
      await f();
      setProblem(null);
      setReason("");
      setEpoch((n) => n + 1);
    } catch (err) {
      setProblem((err as Error).message);
    }
  };
  const closed = new Set(periods.data?.closed.map((p) => p.month) ?? []);

  return (
    <div className="page" data-testid="page-books">
      <div className="page-title">
        <h1>Books</h1>
      </div>
      <Panel
        title="Close or reopen a month"
        note="A closed month's costs are frozen: prices recompute refuses it until it is reopened with a reason."
      >
        <form className="inline-form" onSubmit={(e) => e.preventDefault()}>
          <label>
            Month <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} data-testid="books-month" />
          </label>
          <label>
            Reason <input value={reason} onChange={(e) => setReason(e.target.value)} size={40} data-testid="books-reason" />
          </label>
          {closed.has(month) ? (
            <button
              type="button"
              data-testid="books-reopen"
              disabled={reason.trim() === ""}
              onClick={() => act(() => reopenPeriod(month, reason.trim()))}
            >
              Reopen
            </button>
          ) : (
            <button type="button" data-testid="books-close" onClick={() => act(() => closePeriod(month, reason.trim()))}>
              Close month
            </button>
          )}
          {problem ? (
            <span className="form-problem" role="alert">
              {problem}
            </span>
          ) : null}
        </form>
      </Panel>
      <Panel title="Closed months" testId="books-closed-panel">
        <DataView state={periods} isEmpty={(d) => d.closed.length === 0} empty="No month is closed.">
          {(d) => (
            <table className="table" data-testid="books-closed">
              <thead>
                <tr>
                  <th>Month</th>
                  <th>Closed</th>
                  <th>By</th>
                  <th>Reason</th>
                  <th className="num">Cost at closing</th>
                  <th className="num">Calls</th>
                </tr>
              </thead>
              <tbody>
                {d.closed.map((p) => (
                  <tr key={p.month} data-testid="books-closed-row">
                    <td>{p.month}</td>
                    <td>{formatDateTime(p.closedAt)}</td>
                    <td>{p.closedBy}</td>
                    <td>{p.reason ?? ""}</td>
                    <td className="num">
                      <Money value={p.costUsd} />
                    </td>
                    <td className="num">{formatCount(p.calls)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </DataView>
      </Panel>
      <Panel title="Audit log" testId="audit-panel" note="Changes to prices, budgets and periods: when, and by which kind of session.">
        <DataView state={audit} isEmpty={(d) => d.entries.length === 0} empty="No changes recorded yet.">
          {(d) => (
            <table className="table" data-testid="audit">
              <thead>
                <tr>
                  <th>When</th>
                  <th>By</th>
                  <th>What</th>
                  <th>Subject</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                {d.entries.map((e) => (
                  <tr key={e.id} data-testid="audit-row">
                    <td>{formatDateTime(e.at)}</td>
                    <td>{e.actor}</td>
                    <td>{e.action}</td>
                    <td>{e.subject}</td>
                    <td className="muted">
                      <code>{JSON.stringify((e.detail as { body?: unknown } | null)?.body ?? e.detail)}</code>
                    </td>
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

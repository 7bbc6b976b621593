// A month's chargeback statement for an app or a team (a request property): per model, the tokens of each
// kind and the cost, unpriced calls, the price rows used and the totals. Prints as a plain document and
// downloads as CSV; a closed month says so.
import { useEffect, useState, type ReactElement } from "react";
import { statementPath, type StatementResponse } from "../api.ts";
import { DataView } from "../components/DataView.tsx";
import { Panel } from "../components/Panel.tsx";
import { useApi } from "../hooks/useApi.ts";
import { formatCount, formatDateTime } from "../lib/format.ts";
import { formatUsd, formatUsdExact } from "../lib/money.ts";
import { patchView } from "../lib/url-state.ts";
import type { PageProps } from "./types.ts";

/** The month before the one containing `nowIso` ("2026-11" on any day of December 2026). */
export function previousMonth(nowIso: string): string {
  const d = new Date(nowIso);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

const TOKEN_COLUMNS = [
  ["inputTokens", "Input"],
  ["cachedInputTokens", "Cached input"],
  ["cacheWriteTokens", "Cache write"],
  ["outputTokens", "Output"],
  ["reasoningTokens", "Reasoning"],
] as const;

export function StatementPage({ view, range, go }: PageProps): ReactElement {
  const month = view.month ?? previousMonth(range.to);
  const app = view.filters.app;
  const [draft, setDraft] = useState({ month, app: app ?? "", prop: view.prop ?? "" });
  useEffect(() => setDraft({ month, app: app ?? "", prop: view.prop ?? "" }), [month, app, view.prop]);
  const scope = { app, prop: view.prop };
  const state = useApi<StatementResponse>(statementPath(month, scope));
  const who = [app ? `app ${app}` : null, view.prop ? view.prop.replace("=", " ") : null].filter(Boolean).join(", ") || "all apps";

  return (
    <div className="page" data-testid="page-statement">
      <div className="page-title">
        <h1>
          Statement — {who}, {month}
        </h1>
        <button type="button" className="button no-print" onClick={() => window.print()} data-testid="statement-print">
          Print
        </button>
        <a className="button" href={statementPath(month, scope, true)} download data-testid="statement-csv">
          Export CSV
        </a>
      </div>
      <form
        className="inline-form no-print"
        data-testid="statement-form"
        onSubmit={(e) => {
          e.preventDefault();
          const prop = /^[a-z0-9][a-z0-9_.-]{0,63}=.+$/.test(draft.prop.trim()) ? draft.prop.trim() : null;
          go(
            "statement",
            patchView(view, {
              month: /^\d{4}-\d{2}$/.test(draft.month) ? draft.month : month,
              prop,
              filters: { app: draft.app.trim() || null },
            }),
          );
        }}
      >
        <label>
          Month{" "}
          <input
            type="month"
            value={draft.month}
            onChange={(e) => setDraft({ ...draft, month: e.target.value })}
            data-testid="statement-month"
          />
        </label>
        <label>
          App{" "}
          <input
            value={draft.app}
            onChange={(e) => setDraft({ ...draft, app: e.target.value })}
            placeholder="any"
            data-testid="statement-app"
          />
        </label>
        <label>
          Team / property{" "}
          <input
            value={draft.prop}
            onChange={(e) => setDraft({ ...draft, prop: e.target.value })}
            placeholder="team=research"
            data-testid="statement-prop"
          />
        </label>
        <button type="submit" data-testid="statement-apply">
          Show
        </button>
      </form>
      <DataView state={state}>
        {(s) => (
          <>
            <p className="statement-meta" data-testid="statement-period">
              {s.from.slice(0, 10)} – {s.to.slice(0, 10)} (UTC, end exclusive).{" "}
              {s.closed ? (
                <span data-testid="statement-closed">
                  Closed {formatDateTime(s.closed.closedAt)} by {s.closed.closedBy}: costs are frozen.
                </span>
              ) : (
                <span data-testid="statement-open">Open month: a price correction may still change these costs.</span>
              )}
            </p>
            <Panel title="By model" testId="statement-lines-panel">
              <table className="table" data-testid="statement-lines">
                <thead>
                  <tr>
                    <th>Provider</th>
                    <th>Model</th>
                    <th className="num">Calls</th>
                    <th className="num">Unpriced</th>
                    {TOKEN_COLUMNS.map(([, label]) => (
                      <th key={label} className="num">
                        {label} tokens
                      </th>
                    ))}
                    <th className="num">Cost</th>
                    <th>Price rows</th>
                  </tr>
                </thead>
                <tbody>
                  {s.lines.map((l) => (
                    <tr key={`${l.provider}/${l.model}`} data-testid="statement-line" data-model={l.model}>
                      <td>{l.provider}</td>
                      <td>{l.model}</td>
                      <td className="num">{formatCount(l.calls)}</td>
                      <td className="num">{l.unpricedCalls > 0 ? formatCount(l.unpricedCalls) : ""}</td>
                      {TOKEN_COLUMNS.map(([k]) => (
                        <td key={k} className="num">
                          {formatCount(l[k])}
                        </td>
                      ))}
                      <td className="num" data-testid="statement-line-cost" title={formatUsdExact(l.costUsd)}>
                        {formatUsd(l.costUsd)}
                      </td>
                      <td className="muted">{l.priceIds.join(", ")}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr data-testid="statement-total">
                    <th colSpan={2}>Total</th>
                    <th className="num" data-testid="statement-total-calls">
                      {formatCount(s.totals.calls)}
                    </th>
                    <th className="num" data-testid="statement-total-unpriced">
                      {formatCount(s.totals.unpricedCalls)}
                    </th>
                    {TOKEN_COLUMNS.map(([k]) => (
                      <th key={k} className="num">
                        {formatCount(s.totals[k])}
                      </th>
                    ))}
                    <th className="num" data-testid="statement-total-cost" title={formatUsdExact(s.totals.costUsd)}>
                      {formatUsd(s.totals.costUsd)}
                    </th>
                    <th />
                  </tr>
                </tfoot>
              </table>
              {s.totals.unpricedCalls > 0 ? (
                <p className="banner banner-warn" data-testid="statement-unpriced">
                  {formatCount(s.totals.unpricedCalls)} call{s.totals.unpricedCalls === 1 ? "" : "s"} had no matching price: not in the
                  total.
                </p>
              ) : null}
            </Panel>
            <Panel title="Price rows used" testId="statement-prices-panel">
              <table className="table" data-testid="statement-prices">
                <thead>
                  <tr>
                    <th>Row</th>
                    <th>Provider</th>
                    <th>Model</th>
                    <th>Effective from</th>
                    <th className="num">Input $/MTok</th>
                    <th className="num">Cached $/MTok</th>
                    <th className="num">Output $/MTok</th>
                  </tr>
                </thead>
                <tbody>
                  {s.prices.map((p) => (
                    <tr key={p.id}>
                      <td className="muted">{p.id}</td>
                      <td>{p.provider}</td>
                      <td>{p.model}</td>
                      <td>{p.effectiveFrom.slice(0, 10)}</td>
                      <td className="num">{p.inputUsdPerMTok}</td>
                      <td className="num">{p.cachedInputUsdPerMTok ?? ""}</td>
                      <td className="num">{p.outputUsdPerMTok}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Panel>
          </>
        )}
      </DataView>
    </div>
  );
}

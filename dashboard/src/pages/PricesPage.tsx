// Prices: models that were called without a matching price first (with their call counts), then the
// effective-dated price table a page at a time (searched and paged by the API), and a form to add a row.
import { useState, type ReactElement } from "react";
import { pricesPath, type PricesResponse } from "../api.ts";
import { DataView } from "../components/DataView.tsx";
import { Panel } from "../components/Panel.tsx";
import { PriceForm } from "../components/PriceForm.tsx";
import { useApi } from "../hooks/useApi.ts";
import { formatCount, formatDateTime } from "../lib/format.ts";
import { formatUsdExact } from "../lib/money.ts";
import type { PageProps } from "./types.ts";

/** Rows per page of the price table (the API's limit). */
export const PRICES_PAGE = 100;

export function PricesPage(_props: PageProps): ReactElement {
  const [query, setQuery] = useState("");
  const [offset, setOffset] = useState(0);
  const state = useApi<PricesResponse>(pricesPath(query.trim(), offset, PRICES_PAGE));
  const [prefill, setPrefill] = useState<{ provider: string; model: string } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  return (
    <div className="page" data-testid="page-prices">
      <div className="page-title">
        <h1>Prices</h1>
      </div>
      {saved ? (
        <div className="banner banner-ok" data-testid="price-saved">
          {saved}
        </div>
      ) : null}
      <DataView state={state}>
        {(d) => (
          <>
            <Panel title="Unpriced models" testId="unpriced-panel" note="Calls to these models have no cost until a price covers them.">
              {d.unpriced.length === 0 ? (
                <p className="muted" data-testid="no-unpriced">
                  Every model called has a price.
                </p>
              ) : (
                <table className="table" data-testid="unpriced">
                  <thead>
                    <tr>
                      <th>Provider</th>
                      <th>Model</th>
                      <th className="num">Calls</th>
                      <th>Last seen</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {d.unpriced.map((u) => (
                      <tr key={`${u.provider}/${u.model}`} data-testid="unpriced-row">
                        <td>{u.provider}</td>
                        <td className="mono">{u.model}</td>
                        <td className="num" data-testid="unpriced-calls">
                          {formatCount(u.calls)}
                        </td>
                        <td>{formatDateTime(u.lastSeen)}</td>
                        <td>
                          <button
                            type="button"
                            className="link-button"
                            onClick={() => setPrefill({ provider: u.provider, model: u.model })}
                          >
                            Set price ↓
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Panel>
            <Panel title="Add a price" testId="add-price">
              <PriceForm
                prefill={prefill}
                onCreated={(p) => {
                  setSaved(`Saved ${p.provider} / ${p.model} from ${formatDateTime(p.effectiveFrom)}.`);
                  setPrefill(null);
                  state.reload();
                }}
              />
            </Panel>
            <Panel
              title={`Price table (${formatCount(d.total)} ${query.trim() ? "matching " : ""}rows)`}
              testId="prices-panel"
              actions={
                <div className="pager">
                  <input
                    type="search"
                    placeholder="Filter provider or model"
                    value={query}
                    data-testid="prices-search"
                    onChange={(e) => {
                      setQuery(e.target.value);
                      setOffset(0);
                    }}
                  />
                  <button
                    type="button"
                    disabled={d.offset === 0}
                    data-testid="prices-prev"
                    onClick={() => setOffset(Math.max(0, d.offset - PRICES_PAGE))}
                  >
                    ← Previous
                  </button>
                  <button
                    type="button"
                    disabled={d.nextOffset === null}
                    data-testid="prices-next"
                    onClick={() => d.nextOffset !== null && setOffset(d.nextOffset)}
                  >
                    Next →
                  </button>
                </div>
              }
            >
              <table className="table" data-testid="prices">
                <thead>
                  <tr>
                    <th>Provider</th>
                    <th>Model</th>
                    <th>Match</th>
                    <th>Tier</th>
                    <th>Effective from</th>
                    <th className="num">Input</th>
                    <th className="num">Cached</th>
                    <th className="num">Cache write</th>
                    <th className="num">Output</th>
                    <th>Source</th>
                  </tr>
                </thead>
                <tbody>
                  {d.prices.map((p) => (
                    <tr key={p.id} data-testid="price-table-row">
                      <td>{p.provider}</td>
                      <td className="mono">{p.model}</td>
                      <td>{p.matchType}</td>
                      <td>{p.serviceTier ?? "any"}</td>
                      <td className="nowrap">{formatDateTime(p.effectiveFrom)}</td>
                      <td className="num">{formatUsdExact(p.inputUsdPerMTok)}</td>
                      <td className="num">{formatUsdExact(p.cachedInputUsdPerMTok)}</td>
                      <td className="num">{formatUsdExact(p.cacheWriteUsdPerMTok)}</td>
                      <td className="num">{formatUsdExact(p.outputUsdPerMTok)}</td>
                      <td className="muted">{p.source}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted" data-testid="prices-shown">
                Dollars per million tokens.{" "}
                {d.total > d.prices.length
                  ? `Rows ${formatCount(d.offset + 1)}–${formatCount(d.offset + d.prices.length)} of ${formatCount(d.total)}.`
                  : null}
              </p>
            </Panel>
          </>
        )}
      </DataView>
    </div>
  );
}

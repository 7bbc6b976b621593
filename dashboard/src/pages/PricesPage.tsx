// Prices: models that were called without a matching price first (with their call counts), then the
// effective-dated price table, and a form to add a row.
import { useState, type ReactElement } from "react";
import type { PricesResponse } from "../api.ts";
import { DataView } from "../components/DataView.tsx";
import { Panel } from "../components/Panel.tsx";
import { PriceForm } from "../components/PriceForm.tsx";
import { useApi } from "../hooks/useApi.ts";
import { formatCount, formatDateTime } from "../lib/format.ts";
import { formatUsdExact } from "../lib/money.ts";
import type { PageProps } from "./types.ts";

/** The price table can hold thousands of seeded rows; show this many and let the filter narrow them. */
export const MAX_PRICE_ROWS = 200;

export function PricesPage(_props: PageProps): ReactElement {
  const state = useApi<PricesResponse>("/api/prices");
  const [prefill, setPrefill] = useState<{ provider: string; model: string } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const matching = (d: PricesResponse) => {
    const q = query.trim().toLowerCase();
    return q ? d.prices.filter((p) => `${p.provider} ${p.model}`.toLowerCase().includes(q)) : d.prices;
  };

  return (
    <div className="page" data-testid="page-prices">
      <div className="page-title"><h1>Prices</h1></div>
      {saved ? <div className="banner banner-ok" data-testid="price-saved">{saved}</div> : null}
      <DataView state={state}>
        {(d) => (
          <>
            <Panel title="Unpriced models" testId="unpriced-panel" note="Calls to these models have no cost until a price covers them.">
              {d.unpriced.length === 0 ? <p className="muted" data-testid="no-unpriced">Every model called has a price.</p> : (
                <table className="table" data-testid="unpriced">
                  <thead><tr><th>Provider</th><th>Model</th><th className="num">Calls</th><th>Last seen</th><th /></tr></thead>
                  <tbody>
                    {d.unpriced.map((u) => (
                      <tr key={`${u.provider}/${u.model}`} data-testid="unpriced-row">
                        <td>{u.provider}</td><td className="mono">{u.model}</td>
                        <td className="num" data-testid="unpriced-calls">{formatCount(u.calls)}</td>
                        <td>{formatDateTime(u.lastSeen)}</td>
                        <td><button type="button" className="link-button" onClick={() => setPrefill({ provider: u.provider, model: u.model })}>Set price ↓</button></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Panel>
            <Panel title="Add a price" testId="add-price">
              <PriceForm prefill={prefill} onCreated={(p) => {
                setSaved(`Saved ${p.provider} / ${p.model} from ${formatDateTime(p.effectiveFrom)}.`);
                setPrefill(null);
                state.reload();
              }} />
            </Panel>
            <Panel title={`Price table (${formatCount(d.prices.length)} rows)`} testId="prices-panel"
              actions={<input type="search" placeholder="Filter provider or model" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="prices-search" />}>
              <table className="table" data-testid="prices">
                <thead>
                  <tr><th>Provider</th><th>Model</th><th>Match</th><th>Tier</th><th>Effective from</th>
                    <th className="num">Input</th><th className="num">Cached</th><th className="num">Cache write</th><th className="num">Output</th><th>Source</th></tr>
                </thead>
                <tbody>
                  {matching(d).slice(0, MAX_PRICE_ROWS).map((p) => (
                    <tr key={p.id} data-testid="price-table-row">
                      <td>{p.provider}</td><td className="mono">{p.model}</td><td>{p.matchType}</td><td>{p.serviceTier ?? "any"}</td>
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
                {matching(d).length > MAX_PRICE_ROWS ? `Showing ${MAX_PRICE_ROWS} of ${formatCount(matching(d).length)} matching rows; filter to narrow.` : null}
              </p>
            </Panel>
          </>
        )}
      </DataView>
    </div>
  );
}

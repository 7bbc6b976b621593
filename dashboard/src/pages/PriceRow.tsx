// One price row in full (per million tokens); long-context tiers as a table of their own, not raw JSON, so
// a tiered price keeps the call detail as wide as the screen.
import type { ReactElement } from "react";
import type { CallPrice, PriceTier } from "../api.ts";
import { formatCount, formatDateTime } from "../lib/format.ts";
import { formatUsdExact } from "../lib/money.ts";

const TIER_RATES: Array<[keyof PriceTier, string]> = [
  ["inputUsdPerMTok", "Input"],
  ["cachedInputUsdPerMTok", "Cached input"],
  ["cacheWriteUsdPerMTok", "Cache write"],
  ["cacheWrite1hUsdPerMTok", "Cache write (1h)"],
  ["outputUsdPerMTok", "Output"],
];

/** Each tier: from how many input tokens it applies and its rates; a rate a tier leaves out is the base rate. */
export function TierTable(props: { tiers: readonly PriceTier[] }): ReactElement {
  return (
    <div className="table-scroll">
      <table className="table table-compact" data-testid="price-tiers">
        <thead>
          <tr>
            <th scope="col">Above input tokens</th>
            {TIER_RATES.map(([, label]) => (
              <th key={label} scope="col" className="num">
                {label} /1M
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.tiers.map((t) => (
            <tr key={t.aboveInputTokens}>
              <td className="num">{formatCount(t.aboveInputTokens)}</td>
              {TIER_RATES.map(([field, label]) => {
                const v = t[field] as string | undefined;
                return (
                  <td key={label} className="num mono">
                    {v === undefined ? <span className="muted">base</span> : formatUsdExact(v)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PriceRow(props: { price: CallPrice }): ReactElement {
  const p = props.price;
  const rows: Array<[string, string]> = [
    ["Provider / model", `${p.provider} / ${p.model} (${p.matchType})`],
    ["Service tier", p.serviceTier ?? "any"],
    ["Effective from", formatDateTime(p.effectiveFrom)],
    ["Input per 1M tokens", formatUsdExact(p.inputUsdPerMTok)],
    ["Cached input per 1M", formatUsdExact(p.cachedInputUsdPerMTok)],
    ["Cache write per 1M", formatUsdExact(p.cacheWriteUsdPerMTok)],
    ["Cache write (1h) per 1M", formatUsdExact(p.cacheWrite1hUsdPerMTok)],
    ["Output per 1M tokens", formatUsdExact(p.outputUsdPerMTok)],
  ];
  const tail: Array<[string, string]> = [
    ["Source", p.source],
    ["Price id", p.id],
  ];
  const tiers = p.tiers && p.tiers.length > 0 ? p.tiers : null;
  return (
    <table className="table" data-testid="price-row">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td className="mono">{v}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">Tiers</th>
          <td>{tiers ? <TierTable tiers={tiers} /> : <span className="mono">none</span>}</td>
        </tr>
        {tail.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td className="mono">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

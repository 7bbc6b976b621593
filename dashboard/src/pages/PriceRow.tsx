// One price row in full (per million tokens).
import type { ReactElement } from "react";
import type { Price } from "../api.ts";
import { formatDateTime } from "../lib/format.ts";
import { formatUsdExact } from "../lib/money.ts";

export function PriceRow(props: { price: Price }): ReactElement {
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
    ["Tiers", p.tiers ? JSON.stringify(p.tiers) : "none"],
    ["Source", p.source],
    ["Price id", p.id],
  ];
  return (
    <table className="table" data-testid="price-row">
      <tbody>
        {rows.map(([k, v]) => <tr key={k}><th>{k}</th><td className="mono">{v}</td></tr>)}
      </tbody>
    </table>
  );
}

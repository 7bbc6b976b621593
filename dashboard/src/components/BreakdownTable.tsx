// Every group of what the Spend chart stacks (one column per dimension), with the previous period's cost
// and the change when the API says the two periods are comparable.
import type { ReactElement } from "react";
import type { SpendGroup, SpendResponse } from "../api.ts";
import { change, formatChangePercent, signed } from "../lib/compare.ts";
import { formatCount, formatTokens } from "../lib/format.ts";
import { formatUsd } from "../lib/money.ts";
import { Money } from "./Money.tsx";

export function dimensionLabel(dim: string): string {
  return dim.startsWith("property:") ? dim.slice(9) : dim.charAt(0).toUpperCase() + dim.slice(1);
}

function valuesOf(g: SpendGroup, dims: string[]): string[] {
  return g.keys ? dims.map((d) => g.keys?.[d] ?? "") : [g.key];
}

export function BreakdownTable(props: { data: SpendResponse; testId?: string }): ReactElement {
  const d = props.data;
  const dims = d.dimensions ?? [d.groupBy];
  const compared = d.compare?.comparable === true;
  const id = props.testId ?? "breakdown";
  const total = d.totals;
  return (
    <table className="table" data-testid={id}>
      <thead>
        <tr>
          {dims.map((dim) => (
            <th key={dim}>{dimensionLabel(dim)}</th>
          ))}
          <th className="num">Cost</th>
          {compared ? (
            <>
              <th className="num">Previous</th>
              <th className="num">Δ$</th>
              <th className="num">Δ%</th>
            </>
          ) : null}
          <th className="num">Calls</th>
          <th className="num">Unpriced</th>
          <th className="num">Input tokens</th>
          <th className="num">Output tokens</th>
        </tr>
      </thead>
      <tbody>
        {d.groups.map((g) => {
          const c = g.previous ? change(g.costUsd, g.previous.costUsd) : null;
          return (
            <tr key={g.key} data-testid={`${id}-row`} data-key={g.key}>
              {valuesOf(g, dims).map((v, i) => (
                <td key={dims[i] ?? i} data-testid={`${id}-dim`}>
                  {v}
                </td>
              ))}
              <td className="num" data-testid={`${id}-cost`}>
                <Money value={g.costUsd} />
              </td>
              {compared && c && g.previous ? (
                <>
                  <td className="num" data-testid={`${id}-previous`}>
                    <Money value={g.previous.costUsd} />
                  </td>
                  <td className="num" data-testid={`${id}-delta`}>
                    {signed(c.deltaUsd, formatUsd)}
                  </td>
                  <td className="num" data-testid={`${id}-delta-pct`}>
                    {formatChangePercent(c.ratio)}
                  </td>
                </>
              ) : null}
              <td className="num">{formatCount(g.calls)}</td>
              <td className="num">{g.unpricedCalls > 0 ? formatCount(g.unpricedCalls) : ""}</td>
              <td className="num">{formatTokens(g.inputTokens)}</td>
              <td className="num">{formatTokens(g.outputTokens)}</td>
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        <tr data-testid={`${id}-total`}>
          <th colSpan={dims.length}>Total</th>
          <th className="num" data-testid={`${id}-total-cost`}>
            <Money value={total.costUsd} />
          </th>
          {compared && total.previous ? (
            <>
              <th className="num" data-testid={`${id}-total-previous`}>
                <Money value={total.previous.costUsd} />
              </th>
              <th className="num" data-testid={`${id}-total-delta`}>
                {signed(change(total.costUsd, total.previous.costUsd).deltaUsd, formatUsd)}
              </th>
              <th className="num" data-testid={`${id}-total-delta-pct`}>
                {formatChangePercent(change(total.costUsd, total.previous.costUsd).ratio)}
              </th>
            </>
          ) : null}
          <th className="num">{formatCount(total.calls)}</th>
          <th className="num">{total.unpricedCalls > 0 ? formatCount(total.unpricedCalls) : ""}</th>
          <th className="num">{formatTokens(total.inputTokens)}</th>
          <th className="num">{formatTokens(total.outputTokens)}</th>
        </tr>
      </tfoot>
    </table>
  );
}

/** Why the change is not shown: which part of which period has data. */
export function CoverageWarning(props: { data: SpendResponse }): ReactElement | null {
  const d = props.data;
  if (!d.compare || d.compare.comparable) return null;
  const day = (iso: string) => iso.slice(0, 16).replace("T", " ");
  const cov = d.compare.coverage;
  const prev = cov ? `data from ${day(cov.from)} to ${day(cov.to)} only` : "no data";
  const cur = d.coverage;
  return (
    <div className="banner banner-warn" data-testid="coverage-warning">
      Growth is not shown: the periods are not both fully covered by data. The previous period ({day(d.compare.from)} – {day(d.compare.to)}{" "}
      UTC) has {prev}
      {cur && (cur.from !== d.from || cur.to !== d.to) ? `; this period has data from ${day(cur.from)} to ${day(cur.to)}` : ""}.
    </div>
  );
}

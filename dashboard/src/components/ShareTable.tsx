// Top groups by cost with their share of the total; a row can filter the dashboard to that group.
import type { ReactElement } from "react";
import { formatCount, formatPercent } from "../lib/format.ts";
import { groupLabel, NONE, type ShareRow } from "../lib/topn.ts";
import { Money } from "./Money.tsx";

export function ShareTable(props: { rows: ShareRow[]; keyLabel: string; testId: string; hrefFor?: (key: string) => string }): ReactElement {
  return (
    <table className="table" data-testid={props.testId}>
      <thead>
        <tr>
          <th>{props.keyLabel}</th>
          <th className="num">Cost</th>
          <th className="share-col">Share</th>
          <th className="num">Calls</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.key} data-testid={`${props.testId}-row`} className={r.isOther ? "other-row" : undefined}>
            <td>
              {props.hrefFor && !r.isOther && groupLabel(r.key) !== NONE ? <a href={props.hrefFor(r.key)}>{r.key}</a> : groupLabel(r.key)}
            </td>
            <td className="num">
              <Money value={r.costUsd} testId={`${props.testId}-cost`} />
              {r.unpricedCalls > 0 ? (
                <span className="tag tag-warn" title="Calls with no matching price; their cost is not included">
                  +{formatCount(r.unpricedCalls)} unpriced
                </span>
              ) : null}
            </td>
            <td className="share-col">
              <span className="share-bar">
                <span style={{ width: `${Math.max(0, Math.min(1, r.share ?? 0)) * 100}%` }} />
              </span>
              <span className="share-text">{formatPercent(r.share)}</span>
            </td>
            <td className="num">{formatCount(r.calls)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// A budget's month so far as a bar: settled spend, then reservations of calls in flight (lighter).
import type { ReactElement } from "react";
import type { BudgetUsage } from "../lib/budgets.ts";
import { formatPercent } from "../lib/format.ts";

export function UsageBar(props: { usage: BudgetUsage }): ReactElement {
  const u = props.usage;
  const pct = (n: number) => `${(n * 100).toFixed(2)}%`;
  return (
    <div className={`usage usage-${u.level}`} data-testid="budget-usage" data-level={u.level}>
      <div
        className="usage-track"
        role="meter"
        aria-label="Share of the monthly budget used"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={u.share === null ? undefined : Math.round(u.share * 100)}
      >
        <span className="usage-spent" style={{ width: pct(u.spentWidth) }} />
        <span className="usage-reserved" style={{ width: pct(u.reservedWidth) }} />
      </div>
      <span className="usage-share" data-testid="budget-share">
        {formatPercent(u.share)}
      </span>
    </div>
  );
}

// The budgets with their current period's ledger: limit, spent, reserved (calls in flight), remaining, a bar
// of the share used and the period-end forecast. Rows at 80% or more are amber, rows at or past the limit
// red. Calls to models without a price (which the spend cannot count) are shown under the bar.
import type { ReactElement } from "react";
import type { Budget, VirtualKey } from "../api.ts";
import { ConfirmButton } from "../components/ConfirmButton.tsx";
import { UsageBar } from "../components/UsageBar.tsx";
import type { BudgetDraft } from "../lib/budget-form.ts";
import { budgetKeyLabel, budgetUsage, forecastVerdict } from "../lib/budgets.ts";
import { formatUsd, formatUsdExact } from "../lib/money.ts";

const STATUS: Record<string, string> = { near: "80% or more used", reached: "limit reached", over: "over the limit" };

function Money(props: { value: string; testId: string }): ReactElement {
  return (
    <td className="num" title={formatUsdExact(props.value)} data-testid={props.testId}>
      {formatUsd(props.value)}
    </td>
  );
}

export function BudgetTable(props: {
  budgets: readonly Budget[];
  keys: readonly VirtualKey[] | undefined;
  onEdit: (draft: BudgetDraft) => void;
  onDelete: (budget: Budget) => Promise<void>;
}): ReactElement {
  return (
    <table className="table budgets" data-testid="budgets">
      <thead>
        <tr>
          <th>App</th>
          <th>Applies to</th>
          <th>Action</th>
          <th>Period</th>
          <th className="num">Limit</th>
          <th className="num">Spent</th>
          <th className="num">Reserved</th>
          <th className="num">Remaining</th>
          <th>Used</th>
          <th className="num">Forecast</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {props.budgets.map((b) => {
          const usage = budgetUsage(b);
          const verdict = forecastVerdict(b);
          return (
            <tr
              key={b.id}
              className={`budget-row level-${usage.level}`}
              data-testid="budget-row"
              data-budget-id={b.id}
              data-level={usage.level}
            >
              <td data-testid="budget-app-cell">{b.app}</td>
              <td className={b.keyId ? "mono" : "muted"} data-testid="budget-key">
                {budgetKeyLabel(b.keyId, props.keys)}
              </td>
              <td data-testid="budget-action-cell">{b.action}</td>
              <td
                className="nowrap"
                data-testid="budget-period-cell"
                title={b.periodStart && b.periodEnd ? `${b.periodStart} to ${b.periodEnd} (UTC)` : undefined}
              >
                {b.period ?? "month"}
                {b.periodKey ? <span className="muted"> {b.periodKey}</span> : null}
              </td>
              <Money value={b.monthlyUsd} testId="budget-limit" />
              <Money value={b.spentUsd} testId="budget-spent" />
              <Money value={b.reservedUsd} testId="budget-reserved" />
              <Money value={b.remainingUsd} testId="budget-remaining" />
              <td>
                <UsageBar usage={usage} />
                {STATUS[usage.level] ? (
                  <div className="usage-status" data-testid="budget-status">
                    {usage.level === "over" ? `over by ${formatUsd(usage.overByUsd)}` : STATUS[usage.level]}
                  </div>
                ) : null}
                {(b.unpricedCalls ?? 0) > 0 ? (
                  <div
                    className="usage-status"
                    data-testid="budget-unpriced"
                    title="Calls to models without a price: their cost is not in Spent. Add the price on the Prices page."
                  >
                    {b.unpricedCalls === 1 ? "1 unpriced call" : `${b.unpricedCalls} unpriced calls`} not counted
                  </div>
                ) : null}
              </td>
              <td
                className="num"
                data-testid="budget-forecast"
                title={b.runRateUsdPerDay ? `run rate ${formatUsdExact(b.runRateUsdPerDay)} a day (trailing 7 days)` : undefined}
              >
                {b.forecastUsd !== undefined ? formatUsd(b.forecastUsd) : "—"}
                {verdict.text ? (
                  <div className={verdict.exceeds ? "usage-status" : "forecast-ok"} data-testid="budget-forecast-verdict">
                    {verdict.text}
                  </div>
                ) : null}
              </td>
              <td className="nowrap row-actions">
                <button
                  type="button"
                  className="link-button"
                  data-testid="budget-edit"
                  onClick={() =>
                    props.onEdit({
                      app: b.app,
                      keyId: b.keyId ?? "",
                      monthlyUsd: b.monthlyUsd,
                      action: b.action,
                      period: b.period ?? "month",
                    })
                  }
                >
                  Edit
                </button>{" "}
                <ConfirmButton
                  label="Delete"
                  question={`Delete the budget of ${b.keyId ? "this key" : b.app}?`}
                  confirmLabel="Yes, delete"
                  testId="budget-delete"
                  onConfirm={() => props.onDelete(b)}
                />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

// Budgets: each app's (or key's) limit per month, week or day against the period's spend and forecast, a
// form to set or change one, and the virtual keys budgets can be attached to.
import { useState, type ReactElement } from "react";
import { deleteBudget, type Budget, type BudgetsResponse, type KeysResponse } from "../api.ts";
import { BudgetForm } from "../components/BudgetForm.tsx";
import { DataView } from "../components/DataView.tsx";
import { Panel } from "../components/Panel.tsx";
import { useApi } from "../hooks/useApi.ts";
import type { BudgetDraft } from "../lib/budget-form.ts";
import { perPeriod } from "../lib/budgets.ts";
import { monthLabel } from "../lib/format.ts";
import { formatUsd } from "../lib/money.ts";
import { BudgetNotifications } from "./BudgetNotifications.tsx";
import { BudgetTable } from "./BudgetTable.tsx";
import { KeysSection } from "./KeysSection.tsx";
import type { PageProps } from "./types.ts";

export function BudgetsPage(_props: PageProps): ReactElement {
  const budgets = useApi<BudgetsResponse>("/api/budgets");
  const keys = useApi<KeysResponse>("/api/keys");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [prefill, setPrefill] = useState<BudgetDraft | null>(null);
  const apps = [...new Set([...(budgets.data?.budgets ?? []).map((b) => b.app), ...(keys.data?.keys ?? []).map((k) => k.app)])].sort();

  const remove = async (b: Budget) => {
    try {
      await deleteBudget(b.app, b.keyId);
      setMessage({ ok: true, text: `Deleted the budget of ${b.app}${b.keyId ? " (key)" : ""}.` });
    } catch (err) {
      setMessage({ ok: false, text: `Could not delete the budget of ${b.app}: ${(err as Error).message}` });
    }
    budgets.reload();
  };

  return (
    <div className="page" data-testid="page-budgets">
      <div className="page-title">
        <h1>Budgets</h1>
        {budgets.data ? (
          <span className="muted" data-testid="budgets-month">
            {monthLabel(budgets.data.month)} (UTC) so far
          </span>
        ) : null}
      </div>
      {message ? (
        <div
          className={`banner ${message.ok ? "banner-ok" : "banner-bad"}`}
          role={message.ok ? "status" : "alert"}
          data-testid="budgets-message"
        >
          {message.text}
        </div>
      ) : null}
      <Panel
        title="Budgets"
        testId="budgets-panel"
        note="Spent equals the Spend page for the app (or key) and period. Used = spent plus reservations of calls still in flight; remaining is what a new call is checked against. Forecast = spent + the trailing 7 days' run rate × time left in the period."
      >
        <DataView
          state={budgets}
          isEmpty={(d) => d.budgets.length === 0}
          empty="No budgets yet: every app can spend without a cap. Set one below."
        >
          {(d) => <BudgetTable budgets={d.budgets} keys={keys.data?.keys} onEdit={setPrefill} onDelete={remove} />}
        </DataView>
      </Panel>
      <Panel title="Set a budget" testId="set-budget">
        <BudgetForm
          keys={keys.data?.keys ?? []}
          apps={apps}
          prefill={prefill}
          onSaved={(b) => {
            setMessage({
              ok: true,
              text: `Saved: ${b.app}${b.keyId ? " (key)" : ""} may spend ${formatUsd(b.monthlyUsd)} ${perPeriod(b.period)} (${b.action}).`,
            });
            setPrefill(null);
            budgets.reload();
          }}
        />
      </Panel>
      <BudgetNotifications />
      <KeysSection
        state={keys}
        apps={apps}
        onChanged={(text) => {
          setMessage({ ok: true, text });
          budgets.reload(); // a budget's key shows as revoked
        }}
        onError={(text) => setMessage({ ok: false, text })}
      />
    </div>
  );
}

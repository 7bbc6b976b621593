// Sets or changes a budget (PUT /api/budgets/:app): a limit per month, week or day, for a whole app or one of its keys.
import { useEffect, useRef, useState, type FormEvent, type ReactElement } from "react";
import { ApiError, putBudget, type Budget, type VirtualKey } from "../api.ts";
import {
  BUDGET_ACTIONS,
  BUDGET_PERIODS,
  emptyBudgetDraft,
  validateBudgetDraft,
  type BudgetDraft,
  type BudgetDraftErrors,
} from "../lib/budget-form.ts";

export function BudgetForm(props: {
  keys: readonly VirtualKey[];
  /** apps to suggest: those with a key or a budget */
  apps: readonly string[];
  /** a budget to edit (a new object each time "Edit" is clicked) */
  prefill: BudgetDraft | null;
  onSaved: (budget: Budget) => void;
}): ReactElement {
  const [draft, setDraft] = useState<BudgetDraft>(emptyBudgetDraft);
  const [errors, setErrors] = useState<BudgetDraftErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (!props.prefill) return;
    setDraft(props.prefill);
    setErrors({});
    form.current?.scrollIntoView?.({ behavior: "smooth", block: "start" });
    form.current?.querySelector<HTMLInputElement>("[data-testid=budget-monthlyUsd]")?.focus();
  }, [props.prefill]);

  const set = (k: keyof BudgetDraft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));
  // a key belongs to one app: another app drops the key chosen for the first
  const setApp = (e: { target: { value: string } }) => {
    const app = e.target.value;
    setDraft((d) => ({ ...d, app, keyId: props.keys.some((k) => k.id === d.keyId && k.app === app.trim()) ? d.keyId : "" }));
  };
  const field = (k: keyof BudgetDraft, label: string, input: ReactElement) => (
    <label className={errors[k] ? "invalid" : undefined}>
      {label}
      {input}
      {errors[k] ? (
        <span className="field-error" data-testid={`budget-error-${k}`}>
          {errors[k]}
        </span>
      ) : null}
    </label>
  );
  const appKeys = props.keys.filter((k) => k.app === draft.app.trim() && (k.status !== "revoked" || k.id === draft.keyId));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const result = validateBudgetDraft(draft);
    if ("errors" in result) return setErrors(result.errors);
    setErrors({});
    setBusy(true);
    try {
      const saved = await putBudget(result.app, result.input);
      setDraft(emptyBudgetDraft());
      props.onSaved(saved);
    } catch (err) {
      setProblem(err instanceof ApiError ? `The API refused the budget: ${err.message}` : `Could not save: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} className="price-form" onSubmit={submit} data-testid="budget-form" noValidate>
      <div className="form-grid">
        {field("app", "App", <input value={draft.app} onChange={setApp} list="budget-apps" data-testid="budget-app" autoComplete="off" />)}
        <datalist id="budget-apps">
          {props.apps.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        {field(
          "keyId",
          "Applies to",
          <select value={draft.keyId} onChange={set("keyId")} data-testid="budget-keyId">
            <option value="">the whole app</option>
            {appKeys.map((k) => (
              <option key={k.id} value={k.id}>
                key {k.prefix}…{k.status !== "active" ? ` (${k.status})` : ""}
              </option>
            ))}
          </select>,
        )}
        {field(
          "monthlyUsd",
          "Limit (USD)",
          <input
            inputMode="decimal"
            value={draft.monthlyUsd}
            onChange={set("monthlyUsd")}
            placeholder="e.g. 250"
            data-testid="budget-monthlyUsd"
          />,
        )}
        {field(
          "period",
          "Per",
          <select value={draft.period} onChange={set("period")} data-testid="budget-period">
            {BUDGET_PERIODS.map((p) => (
              <option key={p} value={p}>
                {p === "month" ? "calendar month" : p === "week" ? "week (from Monday)" : "day"}
              </option>
            ))}
          </select>,
        )}
        {field(
          "action",
          "When reached",
          <select value={draft.action} onChange={set("action")} data-testid="budget-action">
            {BUDGET_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a === "block" ? "block further calls" : "alert only"}
              </option>
            ))}
          </select>,
        )}
      </div>
      {problem ? (
        <p className="form-problem" role="alert" data-testid="budget-problem">
          {problem}
        </p>
      ) : null}
      <button type="submit" disabled={busy} data-testid="budget-submit">
        {busy ? "Saving…" : "Save budget"}
      </button>
      <span className="muted">
        Saving an app (or key) that already has a budget changes it. Periods are UTC; spend already made in the period counts from the
        start. A <em>block</em> budget answers 429 once settled spend plus calls in flight would pass the limit.
      </span>
    </form>
  );
}

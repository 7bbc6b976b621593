// Exact-match filters (provider, app, model, and outcome on the call log), applied on submit.
import { useEffect, useState, type ReactElement } from "react";
import { OUTCOMES } from "../api.ts";
import { FILTER_KEYS, type FilterKey, type ViewState } from "../lib/url-state.ts";

type Filters = ViewState["filters"];

export function FilterBar(props: { filters: Filters; withOutcome: boolean; onChange: (filters: Filters) => void }): ReactElement {
  const [draft, setDraft] = useState<Filters>(props.filters);
  useEffect(() => setDraft(props.filters), [props.filters]);
  const keys = FILTER_KEYS.filter((k) => props.withOutcome || k !== "outcome");
  const set = (k: FilterKey, v: string) => setDraft((d) => ({ ...d, [k]: v.trim() === "" ? null : v }));
  const active = keys.filter((k) => props.filters[k]);

  return (
    <form className="filter-bar" data-testid="filter-bar"
      onSubmit={(e) => {
        e.preventDefault();
        const clean = { ...draft };
        for (const k of FILTER_KEYS) clean[k] = clean[k]?.trim() || null;
        if (!props.withOutcome) clean.outcome = props.filters.outcome;
        props.onChange(clean);
      }}>
      {keys.map((k) =>
        k === "outcome" ? (
          <label key={k}>outcome
            <select value={draft.outcome ?? ""} data-testid="filter-outcome" onChange={(e) => set("outcome", e.target.value)}>
              <option value="">any</option>
              {OUTCOMES.map((o) => <option key={o} value={o}>{o}</option>)}
            </select>
          </label>
        ) : (
          <label key={k}>{k}
            <input type="text" value={draft[k] ?? ""} placeholder="any" size={12} data-testid={`filter-${k}`}
              onChange={(e) => set(k, e.target.value)} />
          </label>
        ),
      )}
      <button type="submit" data-testid="filter-apply">Apply</button>
      {active.length > 0 ? (
        <button type="button" className="link-button" data-testid="filter-clear"
          onClick={() => props.onChange({ provider: null, app: null, model: null, outcome: props.withOutcome ? null : props.filters.outcome })}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}

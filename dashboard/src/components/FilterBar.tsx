// Exact-match filters, applied on submit: provider, app and model everywhere (suggested as you type); on
// the call log also the outcome (one, or any failure), user, status code, latency and cost above; a
// property (name=value) where the API filters on it (calls, spend).
import { useEffect, useState, type ReactElement } from "react";
import { OUTCOMES } from "../api.ts";
import {
  CALL_FILTER_KEYS,
  FILTER_KEYS,
  validCallFilter,
  type CallFilterKey,
  type FilterKey,
  type RouteName,
  type ViewState,
} from "../lib/url-state.ts";
import { SuggestInput } from "./SuggestInput.tsx";

type Filters = ViewState["filters"];
type CallFilters = ViewState["callFilters"];
export interface FilterPatch {
  filters: Filters;
  callFilters: CallFilters;
  prop: string | null;
}

const CALL_LABELS: Record<CallFilterKey, string> = {
  user: "user",
  status: "status",
  latencyAboveMs: "latency above (ms)",
  costAboveUsd: "cost above ($)",
};
const PROP = /^[a-z0-9][a-z0-9_.-]{0,63}=.+$/;

export function FilterBar(props: { view: ViewState; page: RouteName; onChange: (patch: FilterPatch) => void }): ReactElement {
  const { view, page } = props;
  const onCalls = page === "calls";
  const withProp = onCalls || page === "spend";
  const [draft, setDraft] = useState<Filters>(view.filters);
  const [callDraft, setCallDraft] = useState<CallFilters>(view.callFilters);
  const [propDraft, setPropDraft] = useState(view.prop ?? "");
  useEffect(() => setDraft(view.filters), [view.filters]);
  useEffect(() => setCallDraft(view.callFilters), [view.callFilters]);
  useEffect(() => setPropDraft(view.prop ?? ""), [view.prop]);
  const keys = FILTER_KEYS.filter((k) => onCalls || k !== "outcome");
  const set = (k: FilterKey, v: string) => setDraft((d) => ({ ...d, [k]: v.trim() === "" ? null : v }));
  const setCall = (k: CallFilterKey, v: string) => setCallDraft((d) => ({ ...d, [k]: v.trim() === "" ? null : v }));
  const badCall = CALL_FILTER_KEYS.filter((k) => onCalls && callDraft[k] && !validCallFilter(k, (callDraft[k] as string).trim()));
  const badProp = withProp && propDraft.trim() !== "" && !PROP.test(propDraft.trim());
  const active =
    keys.some((k) => view.filters[k]) || (onCalls && CALL_FILTER_KEYS.some((k) => view.callFilters[k])) || (withProp && view.prop !== null);

  return (
    <form
      className="filter-bar"
      data-testid="filter-bar"
      onSubmit={(e) => {
        e.preventDefault();
        if (badCall.length > 0 || badProp) return;
        const clean = { ...draft };
        for (const k of FILTER_KEYS) clean[k] = clean[k]?.trim() || null;
        if (!onCalls) clean.outcome = view.filters.outcome;
        const calls = { ...callDraft };
        for (const k of CALL_FILTER_KEYS) calls[k] = onCalls ? calls[k]?.trim() || null : view.callFilters[k];
        props.onChange({ filters: clean, callFilters: calls, prop: withProp ? propDraft.trim() || null : view.prop });
      }}
    >
      {keys.map((k) =>
        k === "outcome" ? (
          <label key={k}>
            outcome
            <select value={draft.outcome ?? ""} data-testid="filter-outcome" onChange={(e) => set("outcome", e.target.value)}>
              <option value="">any</option>
              <option value="failed">any failure</option>
              {OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label key={k}>
            {k}
            <SuggestInput field={k} value={draft[k] ?? ""} onChange={(v) => set(k, v)} testId={`filter-${k}`} />
          </label>
        ),
      )}
      {onCalls
        ? CALL_FILTER_KEYS.map((k) => (
            <label key={k}>
              {CALL_LABELS[k]}
              {k === "user" ? (
                <SuggestInput field="user" value={callDraft.user ?? ""} onChange={(v) => setCall("user", v)} testId="filter-user" />
              ) : (
                <input
                  type="text"
                  inputMode="decimal"
                  value={callDraft[k] ?? ""}
                  placeholder={k === "status" ? "e.g. 429" : "any"}
                  size={8}
                  data-testid={`filter-${k}`}
                  aria-invalid={badCall.includes(k) || undefined}
                  onChange={(e) => setCall(k, e.target.value)}
                />
              )}
            </label>
          ))
        : null}
      {withProp ? (
        <label>
          property
          <SuggestInput
            field="property"
            value={propDraft}
            onChange={setPropDraft}
            testId="filter-prop"
            placeholder="name=value"
            size={16}
          />
        </label>
      ) : null}
      {badCall.length > 0 || badProp ? (
        <span className="filter-unknown" role="alert" data-testid="filter-invalid">
          {badProp
            ? "property: name=value"
            : `${CALL_LABELS[badCall[0] as CallFilterKey]}: ${badCall[0] === "status" ? "a status code, 100–599" : "a number"}`}
        </span>
      ) : null}
      <button type="submit" data-testid="filter-apply">
        Apply
      </button>
      {active ? (
        <button
          type="button"
          className="link-button"
          data-testid="filter-clear"
          onClick={() =>
            props.onChange({
              filters: { provider: null, app: null, model: null, outcome: onCalls ? null : view.filters.outcome },
              callFilters: onCalls ? { user: null, status: null, latencyAboveMs: null, costAboveUsd: null } : view.callFilters,
              prop: withProp ? null : view.prop,
            })
          }
        >
          Clear filters
        </button>
      ) : null}
    </form>
  );
}

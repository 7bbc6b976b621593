// A filter's text input offering the known values as you type (a datalist), and saying so when nothing
// known starts with what was typed — a typo shows before it silently matches no call.
import { useId, useState, type ReactElement } from "react";
import type { SuggestField } from "../api.ts";
import { useSuggestions } from "../hooks/useSuggestions.ts";

const WHAT: Record<SuggestField, string> = {
  provider: "provider",
  app: "app",
  model: "model",
  user: "user",
  property: "property",
  propertyValue: "value",
};

export function SuggestInput(props: {
  field: SuggestField;
  /** the property whose values are suggested (field=propertyValue) */
  name?: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  placeholder?: string;
  size?: number;
  label?: string;
}): ReactElement {
  const listId = useId();
  const [used, setUsed] = useState(false);
  // a property filter is typed "name=value": names are suggested before the "=", that name's values after it
  const eq = props.field === "property" ? props.value.indexOf("=") : -1;
  const field: SuggestField = eq >= 0 ? "propertyValue" : props.field;
  const name = eq >= 0 ? props.value.slice(0, eq).trim().toLowerCase() : props.name;
  const typed = (eq >= 0 ? props.value.slice(eq + 1) : props.value).trim();
  const shown = (v: string) => (eq >= 0 ? `${name}=${v}` : v);
  const suggested = useSuggestions(field, typed, used, name);
  const unknown = used && typed !== "" && suggested !== null && suggested.prefix === typed && suggested.values.length === 0;
  return (
    <>
      <input
        type="text"
        value={props.value}
        placeholder={props.placeholder ?? "any"}
        size={props.size ?? 12}
        data-testid={props.testId}
        list={listId}
        autoComplete="off"
        aria-label={props.label}
        aria-invalid={unknown || undefined}
        onFocus={() => setUsed(true)}
        onChange={(e) => {
          setUsed(true);
          props.onChange(e.target.value);
        }}
      />
      <datalist id={listId} data-testid={`${props.testId}-options`}>
        {(suggested?.values ?? []).map((v) => (
          <option key={v} value={shown(v)} />
        ))}
      </datalist>
      {unknown ? (
        <span className="filter-unknown" role="status" data-testid={`${props.testId}-unknown`}>
          {suggested.source === "rollups"
            ? `no known ${WHAT[field]} starts with “${typed}”`
            : `no ${WHAT[field]} starting with “${typed}” in the recent calls`}
        </span>
      ) : null}
    </>
  );
}

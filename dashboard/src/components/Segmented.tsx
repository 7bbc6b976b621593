// A small set of mutually exclusive options (group by, percentile, …) shown as joined buttons.
import type { ReactElement } from "react";

export function Segmented<T extends string>(props: {
  label: string;
  options: readonly T[];
  value: T;
  onChange: (value: T) => void;
  testId?: string;
  format?: (value: T) => string;
}): ReactElement {
  return (
    <div className="segmented" role="group" aria-label={props.label} data-testid={props.testId}>
      <span className="segmented-label">{props.label}</span>
      {props.options.map((o) => (
        <button
          key={o}
          type="button"
          className={o === props.value ? "active" : ""}
          aria-pressed={o === props.value}
          data-testid={props.testId ? `${props.testId}-${o}` : undefined}
          onClick={() => props.onChange(o)}
        >
          {props.format ? props.format(o) : o}
        </button>
      ))}
    </div>
  );
}

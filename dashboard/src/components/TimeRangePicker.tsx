// The range picker: presets relative to now, or a custom from–to in UTC.
import { useEffect, useState, type FormEvent, type ReactElement } from "react";
import { fromUtcInput, RANGE_LABELS, toUtcInput, type ResolvedRange } from "../lib/time-range.ts";
import { RANGES, type RangeKey, type ViewState } from "../lib/url-state.ts";

export interface RangeChange {
  range: RangeKey;
  from: string | null;
  to: string | null;
}

export function TimeRangePicker(props: {
  view: ViewState;
  resolved: ResolvedRange;
  onChange: (change: RangeChange) => void;
}): ReactElement {
  const [custom, setCustom] = useState(props.view.range === "custom");
  const [from, setFrom] = useState(toUtcInput(props.resolved.from));
  const [to, setTo] = useState(toUtcInput(props.resolved.to));
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    setCustom(props.view.range === "custom");
    if (props.view.range === "custom") {
      setFrom(toUtcInput(props.view.from));
      setTo(toUtcInput(props.view.to));
    }
  }, [props.view.range, props.view.from, props.view.to]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const f = fromUtcInput(from);
    const t = fromUtcInput(to);
    if (!f || !t) return setProblem("Enter both times.");
    if (Date.parse(f) >= Date.parse(t)) return setProblem("“From” must be before “to”.");
    setProblem(null);
    props.onChange({ range: "custom", from: f, to: t });
  };

  return (
    <div className="range-picker" data-testid="range-picker">
      <div className="segmented" role="group" aria-label="Time range">
        {RANGES.map((r) => {
          const active = r === "custom" ? custom : !custom && props.view.range === r;
          return (
            <button
              key={r}
              type="button"
              className={active ? "active" : ""}
              aria-pressed={active}
              data-testid={`range-${r}`}
              onClick={() => {
                if (r === "custom") {
                  setFrom(toUtcInput(props.resolved.from));
                  setTo(toUtcInput(props.resolved.to));
                  setCustom(true);
                } else {
                  setCustom(false);
                  props.onChange({ range: r, from: null, to: null });
                }
              }}
            >
              {RANGE_LABELS[r]}
            </button>
          );
        })}
      </div>
      {custom ? (
        <form className="custom-range" onSubmit={apply}>
          <label>
            From <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="range-from" />
          </label>
          <label>
            to <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} data-testid="range-to" />
          </label>
          <span className="muted">UTC</span>
          <button type="submit" data-testid="range-apply">
            Apply
          </button>
          {problem ? (
            <span className="form-problem" role="alert">
              {problem}
            </span>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}

// A headline figure with its label.
import type { ReactElement, ReactNode } from "react";

export function Kpi(props: {
  label: string;
  value: ReactNode;
  testId?: string;
  hint?: string;
  tone?: "bad" | "warn";
  compact?: boolean;
}): ReactElement {
  return (
    <div className={`kpi${props.tone ? ` kpi-${props.tone}` : ""}${props.compact ? " kpi-compact" : ""}`}>
      <div className="kpi-label">{props.label}</div>
      <div className="kpi-value" data-testid={props.testId} title={props.hint}>
        {props.value}
      </div>
    </div>
  );
}

export function KpiRow(props: { children: ReactNode }): ReactElement {
  return <div className="kpi-row">{props.children}</div>;
}

// A titled card holding one chart or table.
import type { ReactElement, ReactNode } from "react";

export function Panel(props: { title: string; actions?: ReactNode; children: ReactNode; testId?: string; note?: ReactNode }): ReactElement {
  return (
    <section className="panel" data-testid={props.testId}>
      <header className="panel-header">
        <h2>{props.title}</h2>
        {props.actions ? <div className="panel-actions">{props.actions}</div> : null}
      </header>
      {props.note ? <p className="panel-note">{props.note}</p> : null}
      {props.children}
    </section>
  );
}

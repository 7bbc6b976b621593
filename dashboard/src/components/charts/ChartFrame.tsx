// The frame every chart is drawn in: its size, a note on a partial last bucket, and the chart's data as a
// table (a toggle), which is also how a keyboard zooms into a bucket.
import { useState, type ReactElement } from "react";
import { ResponsiveContainer } from "recharts";
import type { ChartRow } from "../../lib/series.ts";

export interface FrameProps {
  width?: number;
  height: number;
  testId?: string;
  label?: string;
  data: ChartRow[];
  index: string;
  categories: string[];
  fmt: (value: number) => string;
  idx: (value: string) => string;
  partial?: string | null;
  onIndexClick?: (value: string) => void;
  children: ReactElement;
}

/** The chart's rows as a table: one row per index value, one column per category. */
export function ChartTable(props: Omit<FrameProps, "children" | "height" | "width">): ReactElement {
  return (
    <div className="table-scroll">
      <table className="table table-compact" data-testid={props.testId ? `${props.testId}-table` : undefined}>
        {props.label ? <caption className="visually-hidden">{props.label}</caption> : null}
        <thead>
          <tr>
            <th scope="col">{props.onIndexClick ? "Period (select to zoom)" : "Period"}</th>
            {props.categories.map((c) => (
              <th key={c} scope="col" className="num">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.data.map((row) => {
            const key = String(row[props.index] ?? "");
            const label = props.idx(key) + (key === props.partial ? " (in progress)" : "");
            return (
              <tr key={key}>
                <th scope="row">
                  {props.onIndexClick ? (
                    <button type="button" className="link-button" onClick={() => props.onIndexClick?.(key)}>
                      {label}
                    </button>
                  ) : (
                    label
                  )}
                </th>
                {props.categories.map((c) => {
                  const v = row[c];
                  return (
                    <td key={c} className="num">
                      {typeof v === "number" ? props.fmt(v) : "—"}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Sizes the chart: fixed when `width` is given, otherwise responsive to the container's width. */
export function ChartFrame(props: FrameProps): ReactElement {
  const [asTable, setAsTable] = useState(false);
  const partialLabel = props.partial ? props.idx(props.partial) : null;
  return (
    <figure
      className="chart"
      data-testid={props.testId}
      data-rows={props.data.length}
      data-categories={props.categories.join("|")}
      data-partial={props.partial ?? undefined}
      aria-label={props.label}
    >
      {asTable ? null : props.width !== undefined ? (
        props.children
      ) : (
        <ResponsiveContainer width="100%" height={props.height} initialDimension={{ width: 800, height: props.height }}>
          {props.children}
        </ResponsiveContainer>
      )}
      {asTable ? <ChartTable {...props} /> : null}
      <figcaption className="chart-caption">
        {partialLabel ? (
          <span className="chart-partial-note" data-testid="chart-partial-note">
            <span className="swatch-partial" aria-hidden="true" /> {partialLabel} is still in progress: its figures are partial.
          </span>
        ) : null}
        <button
          type="button"
          className="link-button chart-toggle"
          aria-pressed={asTable}
          onClick={() => setAsTable((t) => !t)}
          data-testid={props.testId ? `${props.testId}-toggle` : undefined}
        >
          {asTable ? "Show chart" : "Show as table"}
        </button>
      </figcaption>
    </figure>
  );
}

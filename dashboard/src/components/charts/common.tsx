// Shared pieces of the chart wrappers: props, colours and the sizing frame.
import type { ReactElement, ReactNode } from "react";
import type { ChartRow } from "../../lib/series.ts";
import type { FrameProps } from "./ChartFrame.tsx";
import { OTHER } from "../../lib/topn.ts";

export interface ChartProps {
  /** wide rows, one per index value (e.g. per bucket) */
  data: ChartRow[];
  /** the key in each row holding the x value */
  index: string;
  /** the keys drawn as series, in legend order */
  categories: string[];
  valueFormatter?: (value: number) => string;
  indexFormatter?: (value: string) => string;
  height?: number;
  /** a fixed width (tests, screenshots); by default the chart fills its container */
  width?: number;
  /** called with the index value of the clicked point or bar */
  onIndexClick?: (value: string) => void;
  testId?: string;
  /** a short sentence for screen readers */
  label?: string;
  /** fixed colours for some categories (e.g. outcomes); the rest take the palette by position */
  colors?: Readonly<Record<string, string>>;
  /** the index value of a last bucket still in progress (lib/buckets.ts partialBucket): drawn lighter and dashed */
  partial?: string | null;
}

/** The same colour for an outcome on every chart. */
export const OUTCOME_COLORS: Readonly<Record<string, string>> = {
  ok: "#10b981",
  rate_limited: "#f59e0b",
  upstream_error: "#ef4444",
  bad_request: "#d97706",
  timeout: "#8b5cf6",
  network_error: "#ec4899",
  client_cancelled: "#64748b",
  budget_blocked: "#0ea5e9",
  auth_failed: "#a16207",
  proxy_error: "#7f1d1d",
};

const PALETTE = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#06b6d4", "#ec4899", "#84cc16", "#f97316", "#64748b"];

/** A stable colour per category position (or from `fixed`); OTHER is always grey. */
export function colorFor(category: string, position: number, fixed?: Readonly<Record<string, string>>): string {
  if (category === OTHER) return "#9ca3af";
  const own = fixed?.[category];
  if (own) return own;
  return PALETTE[position % PALETTE.length] ?? "#2563eb";
}

/** Reads one category from a row; a function dataKey keeps names with dots ("gpt-4.1") literal. */
export function valueGetter(category: string): (row: ChartRow) => number | null {
  return (row) => {
    const v = row[category];
    return typeof v === "number" ? v : null;
  };
}

export const identity = (v: string): string => v;
export const plainNumber = (v: number): string => v.toLocaleString("en-US");

/** A chart's frame from its props, the defaults applied once: 280 px high, plain numbers, index values as they are. */
export function frameProps(props: ChartProps): Omit<FrameProps, "children"> {
  return {
    width: props.width,
    height: props.height ?? 280,
    testId: props.testId,
    label: props.label,
    data: props.data,
    index: props.index,
    categories: props.categories,
    fmt: props.valueFormatter ?? plainNumber,
    idx: props.indexFormatter ?? identity,
    partial: props.partial,
    onIndexClick: props.onIndexClick,
  };
}

/** Extracts the index value from a recharts click and hands it on. */
export function clickHandler(onIndexClick: ((value: string) => void) | undefined) {
  if (!onIndexClick) return undefined;
  return (state: { activeLabel?: string | number | undefined } | null) => {
    const label = state?.activeLabel;
    if (label !== undefined && label !== null) onIndexClick(String(label));
  };
}

/**
 * Click handler for one bar: hands on the index value of the bar's row. Deterministic, unlike the
 * chart-level click, which reads the hovered position recharts updates once per animation frame.
 */
export function barClickHandler(index: string, onIndexClick: ((value: string) => void) | undefined) {
  if (!onIndexClick) return undefined;
  return (item: { payload?: ChartRow }) => {
    const value = item.payload?.[index];
    if (value !== undefined && value !== null) onIndexClick(String(value));
  };
}

interface TooltipEntry {
  name?: string | number;
  value?: unknown;
  color?: string;
}

/**
 * A tooltip listing the hovered bucket's series by value, largest first, with their total (stacked cost:
 * which group grew most reads at a glance). Empty series are left out.
 */
export function SortedTooltip(props: {
  active?: boolean;
  payload?: readonly TooltipEntry[];
  label?: string | number;
  fmt: (v: number) => string;
  idx: (v: string) => string;
  partial?: string | null;
}): ReactElement | null {
  if (!props.active || !props.payload || props.payload.length === 0) return null;
  const items = props.payload
    .map((p) => ({ name: String(p.name ?? ""), value: typeof p.value === "number" ? p.value : Number(p.value ?? 0), color: p.color }))
    .filter((p) => p.value !== 0)
    .sort((a, b) => b.value - a.value);
  const total = items.reduce((n, p) => n + p.value, 0);
  return (
    <div className="chart-tooltip" data-testid="chart-tooltip">
      <div className="chart-tooltip-label">
        {props.idx(String(props.label ?? ""))}
        {props.partial !== undefined && props.partial !== null && String(props.label) === props.partial ? " (in progress, partial)" : ""}
      </div>
      {items.map((p) => (
        <div key={p.name} className="chart-tooltip-row" data-testid="chart-tooltip-row">
          <span>
            <span className="swatch" style={{ background: p.color }} aria-hidden="true" />
            {p.name}
          </span>
          <span>{props.fmt(p.value)}</span>
        </div>
      ))}
      <div className="chart-tooltip-row chart-tooltip-total" data-testid="chart-tooltip-total">
        <span>Total</span>
        <span>{props.fmt(total)}</span>
      </div>
    </div>
  );
}

/** Axis, grid and legend colours from the stylesheet, so charts follow the light or dark theme. */
export const AXIS_TICK = { fontSize: 12, fill: "var(--chart-text)" } as const;
export const GRID_STROKE = "var(--chart-grid)";

/** Legend entries in the text colour (series colours as text fail contrast); the swatch carries the colour. */
export function legendText(value: unknown): ReactNode {
  return <span className="chart-legend-text">{String(value)}</span>;
}

/** The default tooltip's boxes in the theme's colours, entries in the text colour. */
export const TOOLTIP_STYLE = {
  contentStyle: { background: "var(--panel)", border: "1px solid var(--line)", borderRadius: 6, color: "var(--text)" },
  itemStyle: { color: "var(--text)" },
  labelStyle: { color: "var(--text)", fontWeight: 600 },
} as const;

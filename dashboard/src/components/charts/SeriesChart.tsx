// What the area and line charts share: the defaults, the rows with a partial last bucket split off, the frame,
// the chart's size and click handling, and its grid, axes, tooltip and legend. Each chart only draws its series.
import type { ReactElement, ReactNode } from "react";
import { AreaChart as RAreaChart, CartesianGrid, Legend, LineChart as RLineChart, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame } from "./ChartFrame.tsx";
import { AXIS_TICK, clickHandler, GRID_STROKE, legendText, TOOLTIP_STYLE, frameProps, type ChartProps } from "./common.tsx";
import { splitPartial } from "./partial.ts";

export interface SeriesChartProps extends ChartProps {
  /** the Recharts chart the series are drawn in */
  chart: typeof RAreaChart | typeof RLineChart;
  /** a value as the tooltip shows it */
  tooltipValue: (value: unknown, fmt: (value: number) => string) => string;
  /** the chart's series (Area or Line elements) */
  children: ReactNode;
}

export function SeriesChart(props: SeriesChartProps): ReactElement {
  const { chart: Chart } = props;
  const frame = frameProps(props);
  const { height, fmt, idx } = frame;
  const partialMark = (v: string) => idx(v) + (v === props.partial ? " (in progress, partial)" : "");
  return (
    <ChartFrame {...frame}>
      <Chart
        data={splitPartial(props.data, props.index, props.categories, props.partial)}
        width={props.width}
        height={props.width !== undefined ? height : undefined}
        margin={{ top: 8, right: 16, bottom: 0, left: 8 }}
        onClick={clickHandler(props.onIndexClick)}
        style={props.onIndexClick ? { cursor: "pointer" } : undefined}
        accessibilityLayer
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={GRID_STROKE} />
        <XAxis dataKey={props.index} tickFormatter={(v) => idx(String(v))} tick={AXIS_TICK} minTickGap={24} />
        <YAxis tickFormatter={(v: number) => fmt(v)} tick={AXIS_TICK} width={80} />
        <Tooltip {...TOOLTIP_STYLE} formatter={(v) => props.tooltipValue(v, fmt)} labelFormatter={(v) => partialMark(String(v))} />
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} formatter={legendText} />
        {props.children}
      </Chart>
    </ChartFrame>
  );
}

// A line chart where null values are gaps (no samples), not zeros: draws what it is given, nothing more.
// A partial last bucket is a dashed segment; a single bucket is drawn as bars (a line needs two points).
import type { ReactElement } from "react";
import { CartesianGrid, Legend, Line, LineChart as RLineChart, Tooltip, XAxis, YAxis } from "recharts";
import { BarChart } from "./BarChart.tsx";
import { ChartFrame } from "./ChartFrame.tsx";
import {
  AXIS_TICK,
  clickHandler,
  colorFor,
  GRID_STROKE,
  identity,
  legendText,
  plainNumber,
  TOOLTIP_STYLE,
  valueGetter,
  type ChartProps,
} from "./common.tsx";
import { PARTIAL_SUFFIX, splitPartial } from "./partial.ts";

export function LineChart(props: ChartProps): ReactElement {
  if (props.data.length === 1) return <BarChart {...props} stacked={false} />;
  const height = props.height ?? 280;
  const fmt = props.valueFormatter ?? plainNumber;
  const idx = props.indexFormatter ?? identity;
  const dots = props.data.length <= 60 ? { r: 2.5 } : false;
  const rows = splitPartial(props.data, props.index, props.categories, props.partial);
  const partialMark = (v: string) => idx(v) + (v === props.partial ? " (in progress, partial)" : "");
  return (
    <ChartFrame
      width={props.width}
      height={height}
      testId={props.testId}
      label={props.label}
      data={props.data}
      index={props.index}
      categories={props.categories}
      fmt={fmt}
      idx={idx}
      partial={props.partial}
      onIndexClick={props.onIndexClick}
    >
      <RLineChart
        data={rows}
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
        <Tooltip
          {...TOOLTIP_STYLE}
          formatter={(v) => (v === null || v === undefined ? "no data" : fmt(Number(v)))}
          labelFormatter={(v) => partialMark(String(v))}
        />
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} formatter={legendText} />
        {props.categories.map((c, i) => (
          <Line
            key={c}
            name={c}
            dataKey={valueGetter(c)}
            type="linear"
            stroke={colorFor(c, i, props.colors)}
            strokeWidth={2}
            dot={dots}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
        {props.partial
          ? props.categories.map((c, i) => (
              <Line
                key={c + PARTIAL_SUFFIX}
                name={c + PARTIAL_SUFFIX}
                dataKey={valueGetter(c + PARTIAL_SUFFIX)}
                type="linear"
                stroke={colorFor(c, i, props.colors)}
                strokeWidth={2}
                strokeDasharray="4 3"
                strokeOpacity={0.6}
                dot={dots}
                connectNulls={false}
                isAnimationActive={false}
                legendType="none"
                tooltipType="none"
                className="line-partial"
              />
            ))
          : null}
      </RLineChart>
    </ChartFrame>
  );
}

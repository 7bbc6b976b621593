// A (by default stacked) bar chart: draws what it is given, nothing more. A partial last bucket is drawn
// lighter with a dashed outline.
import type { ReactElement } from "react";
import { Bar, BarChart as RBarChart, CartesianGrid, Cell, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame } from "./ChartFrame.tsx";
import {
  AXIS_TICK,
  barClickHandler,
  colorFor,
  GRID_STROKE,
  legendText,
  SortedTooltip,
  valueGetter,
  frameProps,
  type ChartProps,
} from "./common.tsx";

/** `integer` keeps the value axis on whole numbers (counts). */
export function BarChart(props: ChartProps & { stacked?: boolean; integer?: boolean }): ReactElement {
  const frame = frameProps(props);
  const { height, fmt, idx } = frame;
  return (
    <ChartFrame {...frame}>
      <RBarChart
        data={props.data}
        width={props.width}
        height={props.width !== undefined ? height : undefined}
        margin={{ top: 8, right: 16, bottom: 0, left: 8 }}
        accessibilityLayer
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={GRID_STROKE} />
        <XAxis dataKey={props.index} tickFormatter={(v) => idx(String(v))} tick={AXIS_TICK} minTickGap={24} />
        <YAxis tickFormatter={(v: number) => fmt(v)} tick={AXIS_TICK} width={80} allowDecimals={!props.integer} />
        <Tooltip
          content={(p) => (
            <SortedTooltip active={p.active} payload={p.payload as never} label={p.label} fmt={fmt} idx={idx} partial={props.partial} />
          )}
          cursor={{ fill: "var(--hover)" }}
        />
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} formatter={legendText} />
        {props.categories.map((c, i) => {
          const color = colorFor(c, i, props.colors);
          return (
            <Bar
              key={c}
              name={c}
              dataKey={valueGetter(c)}
              stackId={props.stacked === false ? undefined : "stack"}
              fill={color}
              isAnimationActive={false}
              onClick={barClickHandler(props.index, props.onIndexClick)}
              style={props.onIndexClick ? { cursor: "pointer" } : undefined}
            >
              {props.partial
                ? props.data.map((row) => {
                    const partial = row[props.index] === props.partial;
                    return (
                      <Cell
                        key={String(row[props.index])}
                        className={partial ? "bar-partial" : undefined}
                        fill={color}
                        fillOpacity={partial ? 0.35 : 1}
                        stroke={partial ? color : undefined}
                        strokeDasharray={partial ? "3 2" : undefined}
                      />
                    );
                  })
                : null}
            </Bar>
          );
        })}
      </RBarChart>
    </ChartFrame>
  );
}

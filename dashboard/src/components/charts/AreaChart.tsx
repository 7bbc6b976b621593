// A stacked area chart: draws what it is given, nothing more. A partial last bucket is a lighter, dashed
// segment; a single bucket is drawn as bars (an area needs two points).
import type { ReactElement } from "react";
import { Area, AreaChart as RAreaChart } from "recharts";
import { BarChart } from "./BarChart.tsx";
import { colorFor, valueGetter, type ChartProps } from "./common.tsx";
import { PARTIAL_SUFFIX } from "./partial.ts";
import { SeriesChart } from "./SeriesChart.tsx";

export function AreaChart(props: ChartProps & { stacked?: boolean }): ReactElement {
  if (props.data.length === 1) return <BarChart {...props} stacked={props.stacked} />;
  const stacked = props.stacked !== false;
  return (
    <SeriesChart {...props} chart={RAreaChart} tooltipValue={(v, fmt) => fmt(Number(v))}>
      {props.categories.map((c, i) => (
        <Area
          key={c}
          name={c}
          dataKey={valueGetter(c)}
          type="monotone"
          stackId={stacked ? "stack" : undefined}
          stroke={colorFor(c, i, props.colors)}
          fill={colorFor(c, i, props.colors)}
          fillOpacity={0.35}
          isAnimationActive={false}
        />
      ))}
      {props.partial
        ? props.categories.map((c, i) => (
            <Area
              key={c + PARTIAL_SUFFIX}
              name={c + PARTIAL_SUFFIX}
              dataKey={valueGetter(c + PARTIAL_SUFFIX)}
              type="linear"
              stackId={stacked ? "partial" : undefined}
              stroke={colorFor(c, i, props.colors)}
              strokeDasharray="4 3"
              fill={colorFor(c, i, props.colors)}
              fillOpacity={0.12}
              isAnimationActive={false}
              legendType="none"
              tooltipType="none"
              className="area-partial"
            />
          ))
        : null}
    </SeriesChart>
  );
}

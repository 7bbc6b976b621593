// A line chart where null values are gaps (no samples), not zeros: draws what it is given, nothing more.
// A partial last bucket is a dashed segment; a single bucket is drawn as bars (a line needs two points).
import type { ReactElement } from "react";
import { Line, LineChart as RLineChart } from "recharts";
import { BarChart } from "./BarChart.tsx";
import { colorFor, valueGetter, type ChartProps } from "./common.tsx";
import { PARTIAL_SUFFIX } from "./partial.ts";
import { SeriesChart } from "./SeriesChart.tsx";

const tooltipValue = (v: unknown, fmt: (value: number) => string) => (v === null || v === undefined ? "no data" : fmt(Number(v)));

export function LineChart(props: ChartProps): ReactElement {
  if (props.data.length === 1) return <BarChart {...props} stacked={false} />;
  const dots = props.data.length <= 60 ? { r: 2.5 } : false;
  return (
    <SeriesChart {...props} chart={RLineChart} tooltipValue={tooltipValue}>
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
    </SeriesChart>
  );
}

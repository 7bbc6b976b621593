// A line chart where null values are gaps (no samples), not zeros: draws what it is given, nothing more.
import type { ReactElement } from "react";
import { CartesianGrid, Legend, Line, LineChart as RLineChart, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame, clickHandler, colorFor, identity, plainNumber, valueGetter, type ChartProps } from "./common.tsx";

export function LineChart(props: ChartProps): ReactElement {
  const height = props.height ?? 280;
  const fmt = props.valueFormatter ?? plainNumber;
  const idx = props.indexFormatter ?? identity;
  const dots = props.data.length <= 60 ? { r: 2.5 } : false;
  return (
    <ChartFrame width={props.width} height={height} testId={props.testId} label={props.label} rows={props.data.length} categories={props.categories}>
      <RLineChart data={props.data} width={props.width} height={props.width !== undefined ? height : undefined}
        margin={{ top: 8, right: 16, bottom: 0, left: 8 }} onClick={clickHandler(props.onIndexClick)}
        style={props.onIndexClick ? { cursor: "pointer" } : undefined}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e5e7eb" />
        <XAxis dataKey={props.index} tickFormatter={(v) => idx(String(v))} tick={{ fontSize: 12 }} minTickGap={24} />
        <YAxis tickFormatter={(v: number) => fmt(v)} tick={{ fontSize: 12 }} width={80} />
        <Tooltip formatter={(v) => (v === null || v === undefined ? "no data" : fmt(Number(v)))} labelFormatter={(v) => idx(String(v))} />
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
        {props.categories.map((c, i) => (
          <Line key={c} name={c} dataKey={valueGetter(c)} type="linear" stroke={colorFor(c, i, props.colors)} strokeWidth={2}
            dot={dots} connectNulls={false} isAnimationActive={false} />
        ))}
      </RLineChart>
    </ChartFrame>
  );
}

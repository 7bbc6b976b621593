// A stacked area chart: draws what it is given, nothing more.
import type { ReactElement } from "react";
import { Area, AreaChart as RAreaChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame, clickHandler, colorFor, identity, plainNumber, valueGetter, type ChartProps } from "./common.tsx";

export function AreaChart(props: ChartProps & { stacked?: boolean }): ReactElement {
  const height = props.height ?? 280;
  const fmt = props.valueFormatter ?? plainNumber;
  const idx = props.indexFormatter ?? identity;
  return (
    <ChartFrame width={props.width} height={height} testId={props.testId} label={props.label} rows={props.data.length} categories={props.categories}>
      <RAreaChart data={props.data} width={props.width} height={props.width !== undefined ? height : undefined}
        margin={{ top: 8, right: 16, bottom: 0, left: 8 }} onClick={clickHandler(props.onIndexClick)}
        style={props.onIndexClick ? { cursor: "pointer" } : undefined}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e5e7eb" />
        <XAxis dataKey={props.index} tickFormatter={(v) => idx(String(v))} tick={{ fontSize: 12 }} minTickGap={24} />
        <YAxis tickFormatter={(v: number) => fmt(v)} tick={{ fontSize: 12 }} width={80} />
        <Tooltip formatter={(v) => fmt(Number(v))} labelFormatter={(v) => idx(String(v))} />
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
        {props.categories.map((c, i) => (
          <Area key={c} name={c} dataKey={valueGetter(c)} type="monotone" stackId={props.stacked === false ? undefined : "stack"}
            stroke={colorFor(c, i, props.colors)} fill={colorFor(c, i, props.colors)} fillOpacity={0.35} isAnimationActive={false} />
        ))}
      </RAreaChart>
    </ChartFrame>
  );
}

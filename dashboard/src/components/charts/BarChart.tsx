// A (by default stacked) bar chart: draws what it is given, nothing more.
import type { ReactElement } from "react";
import { Bar, BarChart as RBarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { barClickHandler, ChartFrame, colorFor, identity, plainNumber, SortedTooltip, valueGetter, type ChartProps } from "./common.tsx";

/** `integer` keeps the value axis on whole numbers (counts). */
export function BarChart(props: ChartProps & { stacked?: boolean; integer?: boolean }): ReactElement {
  const height = props.height ?? 280;
  const fmt = props.valueFormatter ?? plainNumber;
  const idx = props.indexFormatter ?? identity;
  return (
    <ChartFrame width={props.width} height={height} testId={props.testId} label={props.label} rows={props.data.length} categories={props.categories}>
      <RBarChart data={props.data} width={props.width} height={props.width !== undefined ? height : undefined}
        margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e5e7eb" />
        <XAxis dataKey={props.index} tickFormatter={(v) => idx(String(v))} tick={{ fontSize: 12 }} minTickGap={24} />
        <YAxis tickFormatter={(v: number) => fmt(v)} tick={{ fontSize: 12 }} width={80} allowDecimals={!props.integer} />
        <Tooltip content={(p) => <SortedTooltip active={p.active} payload={p.payload as never} label={p.label} fmt={fmt} idx={idx} />} cursor={{ fill: "#f3f4f6" }} />
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
        {props.categories.map((c, i) => (
          <Bar key={c} name={c} dataKey={valueGetter(c)} stackId={props.stacked === false ? undefined : "stack"}
            fill={colorFor(c, i, props.colors)} isAnimationActive={false} onClick={barClickHandler(props.index, props.onIndexClick)}
            style={props.onIndexClick ? { cursor: "pointer" } : undefined} />
        ))}
      </RBarChart>
    </ChartFrame>
  );
}

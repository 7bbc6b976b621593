// The charts as the pages use them, loaded apart from the pages: a page's own chunk is small, so its data
// requests start without waiting for recharts (≈94 KB brotli, the largest chunk), and the figures and tables
// show as soon as the data is in. recharts' download starts when this module runs — with the code of the page
// that charts (preloadCharts), alongside its data requests — not when the first chart renders after the data. Until it has
// arrived a chart keeps its place and says it is being drawn.
import { lazy, Suspense, type ComponentProps, type ReactElement } from "react";
import type { AreaChart as AreaChartComponent } from "./AreaChart.tsx";
import type { BarChart as BarChartComponent } from "./BarChart.tsx";
import type { LineChart as LineChartComponent } from "./LineChart.tsx";

const DEFAULT_HEIGHT = 280;

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
}

const LOADERS = {
  bar: once(() => import("./BarChart.tsx")),
  line: once(() => import("./LineChart.tsx")),
  area: once(() => import("./AreaChart.tsx")),
};

/** Starts loading the charts a page draws; a charting page calls it when its module runs. */
export function preloadCharts(...kinds: Array<keyof typeof LOADERS>): void {
  for (const k of kinds) void LOADERS[k]();
}

const LazyBar = lazy(() => LOADERS.bar().then((m) => ({ default: m.BarChart })));
const LazyLine = lazy(() => LOADERS.line().then((m) => ({ default: m.LineChart })));
const LazyArea = lazy(() => LOADERS.area().then((m) => ({ default: m.AreaChart })));

function Drawing(props: { height?: number; testId?: string }): ReactElement {
  return (
    <div
      className="chart-drawing"
      style={{ minHeight: props.height ?? DEFAULT_HEIGHT }}
      data-testid={props.testId ? `${props.testId}-drawing` : undefined}
    >
      Drawing the chart…
    </div>
  );
}

export function BarChart(props: ComponentProps<typeof BarChartComponent>): ReactElement {
  return (
    <Suspense fallback={<Drawing height={props.height} testId={props.testId} />}>
      <LazyBar {...props} />
    </Suspense>
  );
}

export function LineChart(props: ComponentProps<typeof LineChartComponent>): ReactElement {
  return (
    <Suspense fallback={<Drawing height={props.height} testId={props.testId} />}>
      <LazyLine {...props} />
    </Suspense>
  );
}

export function AreaChart(props: ComponentProps<typeof AreaChartComponent>): ReactElement {
  return (
    <Suspense fallback={<Drawing height={props.height} testId={props.testId} />}>
      <LazyArea {...props} />
    </Suspense>
  );
}

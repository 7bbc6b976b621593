// Zooming a chart into one of its buckets: the view narrowed to that bucket's time (a custom range), its
// interval chosen afresh. Mouse clicks and the chart table's buttons (the keyboard's way in) both use it.
import { nextBucket, type ChartInterval } from "./buckets.ts";
import { patchView, type ViewState } from "./url-state.ts";

/** The view over just `bucket` (an ISO start) at `interval`; null when the bucket is not a time. */
export function zoomView(view: ViewState, bucket: string, interval: ChartInterval): ViewState | null {
  const start = Date.parse(bucket);
  if (Number.isNaN(start)) return null;
  const end = nextBucket(start, interval);
  return patchView(view, { range: "custom", from: new Date(start).toISOString(), to: new Date(end).toISOString(), interval: null });
}

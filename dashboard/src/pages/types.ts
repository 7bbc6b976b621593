import type { ResolvedRange } from "../lib/time-range.ts";
import type { RouteName, ViewState } from "../lib/url-state.ts";

/** What every page gets from the app shell. */
export interface PageProps {
  view: ViewState;
  range: ResolvedRange;
  /** navigates to another route (a new history entry) */
  go: (name: RouteName, view: ViewState, id?: string | null) => void;
}

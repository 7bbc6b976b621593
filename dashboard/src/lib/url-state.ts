// The whole view lives in the URL hash ("#/failures?range=7d&groupBy=app&provider=openai"), so a copied
// link opens the same view. Decoding is forgiving (bad values fall back to defaults); encoding leaves
// defaults out so equal views have equal URLs.
import { INTERVALS, type Interval } from "./buckets.ts";

export const PAGES = [
  "spend",
  "statement",
  "failures",
  "latency",
  "calls",
  "sessions",
  "prices",
  "budgets",
  "reconciliation",
  "books",
] as const;
export type Page = (typeof PAGES)[number];
export type RouteName = Page | "call" | "session";

/** Rolling presets, then UTC calendar presets (kept relative in the URL: "last-month" stays last month). */
export const RANGES = [
  "15m",
  "1h",
  "24h",
  "7d",
  "30d",
  "this-month",
  "last-month",
  "mtd",
  "this-quarter",
  "last-quarter",
  "ytd",
  "custom",
] as const;
export type RangeKey = (typeof RANGES)[number];

/** The single dimensions offered as buttons; groupBy may also be `property:<name>` or up to three, comma-separated. */
export const GROUP_BYS = ["provider", "app", "model", "user", "key"] as const;
export type GroupBy = string;

const DIMENSION = /^(provider|app|model|user|key|property:[a-z0-9][a-z0-9_.-]{0,63})$/;
/** A groupBy the API accepts (1–3 distinct dimensions), or null. */
export function validGroupBy(raw: string | null): string | null {
  if (!raw) return null;
  const dims = raw.split(",");
  return dims.length <= 3 && new Set(dims).size === dims.length && dims.every((d) => DIMENSION.test(d)) ? raw : null;
}

export const PERCENTILES = ["p50", "p90", "p95", "p99"] as const;
export type Percentile = (typeof PERCENTILES)[number];

/** What the Failures page stacks its counts by. */
export const FAILURE_STACKS = ["outcome", "group"] as const;
export type FailureStack = (typeof FAILURE_STACKS)[number];

export const FILTER_KEYS = ["provider", "app", "model", "outcome"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** Filters only the call log has (the API's names): user, status code, latency above (ms), cost above ($). */
export const CALL_FILTER_KEYS = ["user", "status", "latencyAboveMs", "costAboveUsd"] as const;
export type CallFilterKey = (typeof CALL_FILTER_KEYS)[number];
const CALL_FILTER_VALID: Record<CallFilterKey, RegExp> = {
  user: /^.{1,200}$/,
  status: /^[1-5]\d\d$/,
  latencyAboveMs: /^\d{1,9}(\.\d{1,3})?$/,
  costAboveUsd: /^\d{1,12}(\.\d{1,16})?$/,
};
export function validCallFilter(key: CallFilterKey, value: string): boolean {
  return CALL_FILTER_VALID[key].test(value);
}

/** The Latency page's outcome filters: "ok" (the default), "all", "failed" or one outcome's name. */
const OUTCOME_NAME = /^[a-z_]{1,40}$/;

export interface ViewState {
  range: RangeKey;
  /** ISO times, used when range is "custom" */
  from: string | null;
  to: string | null;
  /** null: chosen from the range */
  interval: Interval | null;
  groupBy: GroupBy;
  pct: Percentile;
  stack: FailureStack;
  filters: Record<FilterKey, string | null>;
  /** the cursors followed to reach the current page of /api/calls, oldest first */
  cursors: string[];
  /** a property filter, "name=value" (the API's property.<name>=value) */
  prop: string | null;
  /** the statement's month, "YYYY-MM" */
  month: string | null;
  /** the call log's own filters */
  callFilters: Record<CallFilterKey, string | null>;
  /** the Latency page's outcome filter: "ok" (default), "all", "failed" or an outcome */
  latOutcome: string;
  /** the Latency page's slowest calls' outcome filter; null: the same as latOutcome */
  slowOutcome: string | null;
  /** the groups the Latency chart draws; empty: the slowest by p95 */
  selected: string[];
}

export interface Route {
  name: RouteName;
  /** the call id for the "call" route, the session id for "session" */
  id: string | null;
  view: ViewState;
}

export const DEFAULT_VIEW: ViewState = {
  range: "24h",
  from: null,
  to: null,
  interval: null,
  groupBy: "provider",
  pct: "p90",
  stack: "outcome",
  filters: { provider: null, app: null, model: null, outcome: null },
  cursors: [],
  prop: null,
  month: null,
  callFilters: { user: null, status: null, latencyAboveMs: null, costAboveUsd: null },
  latOutcome: "ok",
  slowOutcome: null,
  selected: [],
};

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function validIso(value: string | null): string | null {
  if (!value || Number.isNaN(Date.parse(value))) return null;
  return new Date(Date.parse(value)).toISOString();
}

/** Reads a view from query parameters. */
export function decodeView(params: URLSearchParams): ViewState {
  const range = oneOf(params.get("range"), RANGES, DEFAULT_VIEW.range);
  const from = validIso(params.get("from"));
  const to = validIso(params.get("to"));
  const customOk = range === "custom" && from !== null && to !== null && Date.parse(from) < Date.parse(to);
  const intervalRaw = params.get("interval");
  const filters = { ...DEFAULT_VIEW.filters };
  for (const key of FILTER_KEYS) {
    const v = params.get(key)?.trim();
    filters[key] = v ? v : null;
  }
  const callFilters = { ...DEFAULT_VIEW.callFilters };
  for (const key of CALL_FILTER_KEYS) {
    const v = params.get(key)?.trim();
    callFilters[key] = v && validCallFilter(key, v) ? v : null;
  }
  const lout = params.get("lout");
  const slow = params.get("slow");
  return {
    range: customOk ? "custom" : range === "custom" ? DEFAULT_VIEW.range : range,
    from: customOk ? from : null,
    to: customOk ? to : null,
    interval: intervalRaw !== null && (INTERVALS as readonly string[]).includes(intervalRaw) ? (intervalRaw as Interval) : null,
    groupBy: validGroupBy(params.get("groupBy")) ?? DEFAULT_VIEW.groupBy,
    pct: oneOf(params.get("pct"), PERCENTILES, DEFAULT_VIEW.pct),
    stack: oneOf(params.get("stack"), FAILURE_STACKS, DEFAULT_VIEW.stack),
    filters,
    cursors: params.getAll("cursor").filter((c) => c !== ""),
    prop: /^[a-z0-9][a-z0-9_.-]{0,63}=.+$/.test(params.get("prop") ?? "") ? params.get("prop") : null,
    month: /^\d{4}-(0[1-9]|1[0-2])$/.test(params.get("month") ?? "") ? params.get("month") : null,
    callFilters,
    latOutcome: lout && OUTCOME_NAME.test(lout) ? lout : DEFAULT_VIEW.latOutcome,
    slowOutcome: slow && OUTCOME_NAME.test(slow) ? slow : null,
    selected: params
      .getAll("sel")
      .filter((g) => g !== "" && g.length <= 200)
      .slice(0, 12),
  };
}

/** Writes a view as query parameters, leaving out defaults. */
export function encodeView(view: ViewState): URLSearchParams {
  const p = new URLSearchParams();
  if (view.range === "custom" && view.from && view.to) {
    p.set("range", "custom");
    p.set("from", view.from);
    p.set("to", view.to);
  } else if (view.range !== DEFAULT_VIEW.range && view.range !== "custom") {
    p.set("range", view.range);
  }
  if (view.interval) p.set("interval", view.interval);
  if (view.groupBy !== DEFAULT_VIEW.groupBy) p.set("groupBy", view.groupBy);
  if (view.pct !== DEFAULT_VIEW.pct) p.set("pct", view.pct);
  if (view.stack !== DEFAULT_VIEW.stack) p.set("stack", view.stack);
  for (const key of FILTER_KEYS) {
    const v = view.filters[key];
    if (v) p.set(key, v);
  }
  for (const key of CALL_FILTER_KEYS) {
    const v = view.callFilters[key];
    if (v) p.set(key, v);
  }
  if (view.latOutcome !== DEFAULT_VIEW.latOutcome) p.set("lout", view.latOutcome);
  if (view.slowOutcome) p.set("slow", view.slowOutcome);
  for (const g of view.selected) p.append("sel", g);
  if (view.prop) p.set("prop", view.prop);
  if (view.month) p.set("month", view.month);
  for (const c of view.cursors) p.append("cursor", c);
  return p;
}

/** Parses a location hash ("#/calls/0193…?range=7d") into a route. Unknown paths open Spend. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const q = raw.indexOf("?");
  const path = q === -1 ? raw : raw.slice(0, q);
  const view = decodeView(new URLSearchParams(q === -1 ? "" : raw.slice(q + 1)));
  const parts = path
    .split("/")
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));
  if (parts[0] === "calls" && parts[1]) return { name: "call", id: parts[1], view };
  if (parts[0] === "sessions" && parts[1]) return { name: "session", id: parts[1], view };
  const name = oneOf(parts[0] ?? null, PAGES, "spend");
  return { name, id: null, view };
}

/** The hash for a route ("#/failures?range=7d"). */
export function routeHash(name: RouteName, view: ViewState, id: string | null = null): string {
  const path =
    name === "call"
      ? `/calls/${encodeURIComponent(id ?? "")}`
      : name === "session"
        ? `/sessions/${encodeURIComponent(id ?? "")}`
        : `/${name}`;
  const query = encodeView(view).toString();
  return `#${path}${query ? `?${query}` : ""}`;
}

/** A link to another page that keeps the range and filters but starts the call log at its first page. */
export function pageHref(name: RouteName, view: ViewState, id: string | null = null): string {
  return routeHash(name, { ...view, cursors: [] }, id);
}

/** A copy of the view with some fields replaced; any change other than paging returns to page one. */
export function patchView(
  view: ViewState,
  patch: Partial<Omit<ViewState, "filters" | "callFilters">> & {
    filters?: Partial<ViewState["filters"]>;
    callFilters?: Partial<ViewState["callFilters"]>;
  },
): ViewState {
  const next: ViewState = {
    ...view,
    ...patch,
    filters: { ...view.filters, ...patch.filters },
    callFilters: { ...view.callFilters, ...patch.callFilters },
  };
  if (patch.cursors === undefined) next.cursors = [];
  return next;
}

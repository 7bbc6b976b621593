// The API's read paths with their query strings, built from what a page shows.
import type { ChartInterval } from "../lib/buckets.ts";
import type { FilterKey, GroupBy } from "../lib/url-state.ts";
import type { SuggestField } from "./types.ts";

/** "/api/statement?month=…" for an app or a property ("name=value"); `csv` for the file. */
export function statementPath(month: string, scope: { app?: string | null; prop?: string | null }, csv = false): string {
  const p = new URLSearchParams({ month });
  if (scope.app) p.set("app", scope.app);
  if (scope.prop) {
    const eq = scope.prop.indexOf("=");
    p.set(`property.${scope.prop.slice(0, eq)}`, scope.prop.slice(eq + 1));
  }
  return `/api/statement${csv ? ".csv" : ""}?${p.toString()}`;
}

export interface ReportQuery {
  from: string;
  to: string;
  interval?: ChartInterval;
  groupBy?: GroupBy;
  filters?: Partial<Record<FilterKey, string | null>>;
  /** a property filter, "name=value" */
  prop?: string | null;
  compare?: "previous";
}

/** Builds "/api/<name>?from=…&to=…" with only the parameters that are set. */
export function reportPath(
  name: string,
  q: ReportQuery & { limit?: number; cursor?: string | null; extra?: Record<string, string | null | undefined> },
): string {
  const p = new URLSearchParams({ from: q.from, to: q.to });
  if (q.groupBy) p.set("groupBy", q.groupBy);
  if (q.interval) p.set("interval", q.interval);
  for (const [k, v] of Object.entries(q.filters ?? {})) if (v) p.set(k, v);
  if (q.prop) p.set(`property.${q.prop.slice(0, q.prop.indexOf("="))}`, q.prop.slice(q.prop.indexOf("=") + 1));
  if (q.compare) p.set("compare", q.compare);
  if (q.limit !== undefined) p.set("limit", String(q.limit));
  if (q.cursor) p.set("cursor", q.cursor);
  for (const [k, v] of Object.entries(q.extra ?? {})) if (v) p.set(k, v);
  return `/api/${name}?${p.toString()}`;
}

/** "/api/suggest?field=model&prefix=gp": known values starting with the prefix. */
export function suggestPath(field: SuggestField, prefix: string, name?: string): string {
  const p = new URLSearchParams({ field, prefix });
  if (name) p.set("name", name);
  return `/api/suggest?${p.toString()}`;
}

/** A page of the price table: "/api/prices?limit=…[&offset=…][&search=…]". */
export function pricesPath(search: string, offset: number, limit: number): string {
  const p = new URLSearchParams({ limit: String(limit) });
  if (offset > 0) p.set("offset", String(offset));
  if (search) p.set("search", search);
  return `/api/prices?${p.toString()}`;
}

export function sessionsPath(q: { from: string; to: string; app?: string | null; cursor?: string | null }): string {
  const p = new URLSearchParams({ from: q.from, to: q.to });
  if (q.app) p.set("app", q.app);
  if (q.cursor) p.set("cursor", q.cursor);
  return `/api/sessions?${p.toString()}`;
}

export function sessionPath(id: string): string {
  return `/api/sessions/${encodeURIComponent(id)}`;
}

export function callPath(id: string): string {
  return `/api/calls/${encodeURIComponent(id)}`;
}

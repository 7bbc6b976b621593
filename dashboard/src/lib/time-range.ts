// Turning the picked range into concrete from/to times. Presets are relative to "now", so a shared
// "last 24 hours" link shows the last 24 hours when opened; custom ranges are absolute.
import { chooseInterval, type Interval } from "./buckets.ts";
import type { RangeKey, ViewState } from "./url-state.ts";

export type RollingRange = "15m" | "1h" | "24h" | "7d" | "30d";
export const PRESET_MS: Record<RollingRange, number> = {
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "24h": 24 * 3_600_000,
  "7d": 7 * 24 * 3_600_000,
  "30d": 30 * 24 * 3_600_000,
};

export const RANGE_LABELS: Record<RangeKey, string> = {
  "15m": "Last 15 minutes",
  "1h": "Last hour",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  "this-month": "This month",
  "last-month": "Last month",
  mtd: "Month to date",
  "this-quarter": "This quarter",
  "last-quarter": "Last quarter",
  ytd: "Year to date",
  custom: "Custom",
};

export interface ResolvedRange {
  from: string;
  to: string;
  interval: Interval;
}

const utc = (y: number, m: number) => new Date(Date.UTC(y, m, 1));

/**
 * Calendar presets in UTC: whole months and quarters ("this month" runs to the month's end), or to now
 * ("month to date", "year to date"). The API compares a range starting on the 1st with the calendar
 * months before it.
 */
export const CALENDAR: Record<"this-month" | "last-month" | "mtd" | "this-quarter" | "last-quarter" | "ytd", (now: Date) => [Date, Date]> =
  {
    "this-month": (n) => [utc(n.getUTCFullYear(), n.getUTCMonth()), utc(n.getUTCFullYear(), n.getUTCMonth() + 1)],
    "last-month": (n) => [utc(n.getUTCFullYear(), n.getUTCMonth() - 1), utc(n.getUTCFullYear(), n.getUTCMonth())],
    mtd: (n) => [utc(n.getUTCFullYear(), n.getUTCMonth()), n],
    "this-quarter": (n) => {
      const q = n.getUTCMonth() - (n.getUTCMonth() % 3);
      return [utc(n.getUTCFullYear(), q), utc(n.getUTCFullYear(), q + 3)];
    },
    "last-quarter": (n) => {
      const q = n.getUTCMonth() - (n.getUTCMonth() % 3);
      return [utc(n.getUTCFullYear(), q - 3), utc(n.getUTCFullYear(), q)];
    },
    ytd: (n) => [utc(n.getUTCFullYear(), 0), n],
  };

/** The concrete range a view covers at `nowMs`, with the interval to chart it at. */
export function resolveRange(view: Pick<ViewState, "range" | "from" | "to" | "interval">, nowMs: number): ResolvedRange {
  let from: string;
  let to: string;
  if (view.range === "custom" && view.from && view.to && Date.parse(view.from) < Date.parse(view.to)) {
    from = new Date(Date.parse(view.from)).toISOString();
    to = new Date(Date.parse(view.to)).toISOString();
  } else if (view.range in CALENDAR) {
    [from, to] = CALENDAR[view.range as keyof typeof CALENDAR](new Date(nowMs)).map((d) => d.toISOString()) as [string, string];
  } else {
    const span = view.range === "custom" ? PRESET_MS["24h"] : PRESET_MS[view.range as RollingRange];
    to = new Date(nowMs).toISOString();
    from = new Date(nowMs - span).toISOString();
  }
  return { from, to, interval: view.interval ?? chooseInterval(from, to) };
}

/** An ISO time as the value of a `<input type="datetime-local">`, read as UTC ("2026-11-26T14:05"). */
export function toUtcInput(iso: string | null): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return "";
  return new Date(Date.parse(iso)).toISOString().slice(0, 16);
}

/** A `datetime-local` value taken as UTC back to ISO; null when empty or invalid. */
export function fromUtcInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  const ms = Date.parse(`${value}Z`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

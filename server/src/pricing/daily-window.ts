import type { PriceRow } from "./price-row.ts";

/*
 * Time-of-day prices (DeepSeek's peak and off-peak hours): a price row may be limited to a daily window
 * given as "HH:MM:SS" UTC, end exclusive, wrapping past midnight when the end is before the start.
 */

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?Z?$/;

/** "16:30" / "16:30:00" / "16:30:00Z" → "16:30:00"; null when not a time of day. */
export function normalizeTimeOfDay(text: string): string | null {
  const m = TIME_OF_DAY.exec(text.trim());
  return m ? `${m[1]}:${m[2]}:${m[3] ?? "00"}` : null;
}

/** Seconds since UTC midnight of "HH:MM:SS". */
export function secondsOfDay(time: string): number {
  const [h = 0, m = 0, s = 0] = time.split(":").map(Number);
  return h * 3600 + m * 60 + s;
}

/** A daily window in seconds since UTC midnight; end exclusive, wrapping past midnight when end < start. */
export interface DailyWindow {
  start: number;
  end: number;
}

export function inWindow(w: DailyWindow, second: number): boolean {
  return w.start < w.end ? second >= w.start && second < w.end : second >= w.start || second < w.end;
}

const windows = new WeakMap<PriceRow, DailyWindow>();

export function windowOf(row: PriceRow): DailyWindow | undefined {
  if (!row.dailyStartUtc || !row.dailyEndUtc) return undefined;
  let w = windows.get(row);
  if (!w) {
    w = { start: secondsOfDay(row.dailyStartUtc), end: secondsOfDay(row.dailyEndUtc) };
    windows.set(row, w);
  }
  return w;
}

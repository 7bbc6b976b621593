/** How long a budget's limit lasts before spend starts again from zero (all in UTC). */
export const BUDGET_PERIODS = ["month", "week", "day"] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

export interface PeriodSpan {
  /** the ledger's key: "2026-12" (month), "2026-W50" (ISO week), "2026-12-07" (day) */
  key: string;
  /** first instant of the period */
  start: Date;
  /** first instant of the next period */
  end: Date;
}

const DAY_MS = 86_400_000;
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * The period of kind `period` containing `ms`. Weeks are ISO weeks: they start on Monday and belong to the
 * ISO year of their Thursday, so 2026-12-28 … 2027-01-03 is "2026-W53". The SQL function
 * tollgate_budget_period_key computes the same keys.
 */
export function periodOf(period: BudgetPeriod, ms: number): PeriodSpan {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (period === "month") return { key: `${y}-${pad(m + 1)}`, start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
  const dayStart = Date.UTC(y, m, d.getUTCDate());
  if (period === "day")
    return { key: new Date(dayStart).toISOString().slice(0, 10), start: new Date(dayStart), end: new Date(dayStart + DAY_MS) };
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const start = dayStart - weekday * DAY_MS;
  const thursday = new Date(start + 3 * DAY_MS);
  const isoYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / (7 * DAY_MS)) + 1;
  return { key: `${isoYear}-W${pad(week)}`, start: new Date(start), end: new Date(start + 7 * DAY_MS) };
}

/** The span of a ledger key written by periodOf (null for a key of no known shape). */
export function periodOfKey(key: string): (PeriodSpan & { period: BudgetPeriod }) | null {
  let match = /^(\d{4})-(\d{2})$/.exec(key);
  if (match) return { period: "month", ...periodOf("month", Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)) };
  match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (match) return { period: "day", ...periodOf("day", Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) };
  match = /^(\d{4})-W(\d{2})$/.exec(key);
  if (match) {
    // Week 1 is the week with January 4th in it.
    const jan4 = periodOf("week", Date.UTC(Number(match[1]), 0, 4));
    return { period: "week", ...periodOf("week", jan4.start.getTime() + (Number(match[2]) - 1) * 7 * DAY_MS) };
  }
  return null;
}

import { add, compare, formatDecimal, normalize, parseDecimal, subtract, ZERO, type Decimal } from "../lib/decimal.ts";

export const DAY_MS = 86_400_000;
/** The run rate is the spend of the trailing 7 days: every weekday once, so a weekly rhythm does not bias it. */
export const FORECAST_WINDOW_MS = 7 * DAY_MS;
/** Forecasts carry 10 decimals (a tenth of a billionth of a dollar): exact enough for any limit. */
const SCALE = 10;

export interface ForecastInput {
  /** spend of the period so far */
  spentUsd: string;
  /** spend of the trailing window ending now */
  trailingUsd: string;
  /** the trailing window's length (FORECAST_WINDOW_MS, or what the data source's granularity gives) */
  windowMs: number;
  nowMs: number;
  /** first instant after the period */
  periodEndMs: number;
  /** the budget's limit; without one there is nothing to exceed */
  limitUsd?: string | null;
}

export interface Forecast {
  /** projected spend at the period's end: spent + run rate × time left */
  forecastUsd: string;
  /** the trailing window's spend per day */
  runRateUsdPerDay: string;
  /** UTC date ("YYYY-MM-DD") the projection reaches the limit (today when already reached); null when it does not */
  exceedsOn: string | null;
  /** how far the projection passes the limit; null when it does not */
  exceedsByUsd: string | null;
}

/** a × num / den, rounded half up to SCALE decimals (num, den > 0). */
function scaled(a: Decimal, num: bigint, den: bigint): Decimal {
  const shift = SCALE - a.scale;
  const units = shift >= 0 ? a.units * 10n ** BigInt(shift) : a.units / 10n ** BigInt(-shift);
  const product = units * num;
  const q = product / den;
  const rounded = (product % den) * 2n >= den ? q + 1n : q;
  return { units: rounded, scale: SCALE };
}

const text = (d: Decimal) => formatDecimal(normalize(d));
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * A period-end projection from the run rate: the trailing window's spend spread evenly over the time left
 * (forecast = spent + trailing × timeLeft / window), and the date that line reaches the limit. Exact
 * decimals throughout; times in milliseconds, so a projection made at 18:00 counts the quarter day left.
 */
export function forecastPeriod(input: ForecastInput): Forecast {
  const spent = parseDecimal(input.spentUsd);
  const trailing = parseDecimal(input.trailingUsd);
  const window = BigInt(Math.max(1, Math.round(input.windowMs)));
  const left = BigInt(Math.max(0, Math.round(input.periodEndMs - input.nowMs)));
  const positive = compare(trailing, ZERO) > 0;
  const forecast = positive && left > 0n ? add(spent, scaled(trailing, left, window)) : spent;
  const runRate = positive ? scaled(trailing, BigInt(DAY_MS), window) : ZERO;
  let exceedsOn: string | null = null;
  let exceedsBy: string | null = null;
  if (input.limitUsd != null) {
    const limit = parseDecimal(input.limitUsd);
    if (compare(forecast, limit) > 0) {
      exceedsBy = text(subtract(forecast, limit));
      if (compare(spent, limit) >= 0) exceedsOn = dateOf(input.nowMs);
      else {
        // the instant spent + trailing × t / window = limit
        const room = subtract(limit, spent);
        const t = scaled(room, window, 1n).units / (scaled(trailing, 1n, 1n).units || 1n);
        exceedsOn = dateOf(input.nowMs + Number(t));
      }
    }
  }
  return { forecastUsd: text(forecast), runRateUsdPerDay: text(runRate), exceedsOn, exceedsByUsd: exceedsBy };
}

/** The sum of a series' points at or after nowMs − windowMs (and before nowMs): the trailing window's spend. */
export function trailingSum(
  series: ReadonlyArray<{ atMs: number; costUsd: string }>,
  nowMs: number,
  windowMs = FORECAST_WINDOW_MS,
): string {
  let sum = ZERO;
  for (const p of series) if (p.atMs >= nowMs - windowMs && p.atMs < nowMs) sum = add(sum, parseDecimal(p.costUsd));
  return text(sum);
}

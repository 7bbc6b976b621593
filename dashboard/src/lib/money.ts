// Exact decimal money. The API sends money as decimal strings ("0.0000123400"); adding them as floats
// would drift, so sums and ratios go through BigInt values scaled by 10^12 (the database keeps 12 places).

export const SCALE = 12;
const FACTOR = 10n ** BigInt(SCALE);
const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?$|^([+-])?\.(\d+)$/;

/** True when `s` is a plain decimal number such as "12", "0.15" or "-3.5" (no exponent, no spaces). */
export function isDecimalString(s: string): boolean {
  return DECIMAL.test(s.trim());
}

/** Parses a decimal string (or a finite number) into an integer scaled by 10^12, rounding half away from zero. */
export function parseDecimal(value: string | number): bigint {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    if (Number.isInteger(value)) return BigInt(value) * FACTOR;
    return parseDecimal(value.toFixed(SCALE));
  }
  const m = DECIMAL.exec(value.trim());
  if (!m) throw new Error(`not a decimal: ${JSON.stringify(value)}`);
  const sign = m[1] ?? m[4] ?? "";
  const whole = m[2] ?? "0";
  const frac = m[3] ?? m[5] ?? "";
  let scaled = BigInt(whole) * FACTOR + BigInt((frac.slice(0, SCALE) || "0").padEnd(SCALE, "0"));
  if (frac.length > SCALE && Number(frac[SCALE]) >= 5) scaled += 1n;
  return sign === "-" ? -scaled : scaled;
}

/** Writes a scaled value back as a decimal string with no trailing zeros ("1.25", "0", "-0.001"). */
export function formatDecimal(scaled: bigint): string {
  const negative = scaled < 0n;
  const abs = negative ? -scaled : scaled;
  const whole = abs / FACTOR;
  const frac = (abs % FACTOR).toString().padStart(SCALE, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}

/** Exact sum of decimal strings; null and undefined count as nothing. */
export function sumDecimals(values: ReadonlyArray<string | number | null | undefined>): string {
  let total = 0n;
  for (const v of values) if (v !== null && v !== undefined) total += parseDecimal(v);
  return formatDecimal(total);
}

/** A decimal string as a JS number, for drawing only (never for arithmetic on money). */
export function decimalToNumber(value: string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return Number(formatDecimal(parseDecimal(value)));
}

/** part / whole as a number (e.g. a share of spend), computed exactly to 1e-9; null when whole is 0. */
export function decimalRatio(part: string | number, whole: string | number): number | null {
  const w = parseDecimal(whole);
  if (w === 0n) return null;
  return Number((parseDecimal(part) * 1_000_000_000n) / w) / 1e9;
}

/** Rounds a scaled value to `digits` decimal places, half away from zero. */
function roundScaled(scaled: bigint, digits: number): bigint {
  const unit = 10n ** BigInt(SCALE - digits);
  const abs = scaled < 0n ? -scaled : scaled;
  const rounded = ((abs + unit / 2n) / unit) * unit;
  return scaled < 0n ? -rounded : rounded;
}

function groupThousands(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * Money precision, one per column so figures line up and compare (never "$0.01" beside "$0.009625"):
 * - TOTAL_DIGITS (2, cents) for sums over a range or a period: spend totals and breakdowns, statements,
 *   budgets, forecasts, reconciliation, closed periods.
 * - CALL_DIGITS (6, a millionth of a dollar) for one call or a handful of them: the calls table, a call's
 *   detail, sessions and their waterfall. A cheap call costs about $0.00001, so six places keep two
 *   significant digits of it.
 * - Prices per million tokens are shown exact (formatUsdExact): they are inputs, not results.
 * Every rounded figure carries the exact amount on hover (components/Money.tsx).
 */
export const TOTAL_DIGITS = 2;
export const CALL_DIGITS = 6;

/**
 * Dollars for people at a fixed precision: "$1,234.57", "$0.009625" (6 places), "$0.00" for zero and "—" for
 * null (an unpriced cost is unknown, not zero). A non-zero amount that would round to zero is shown as
 * "<$0.01" (or ">-$0.01"), never as a zero it is not.
 */
export function formatUsd(value: string | number | null | undefined, digits: number = TOTAL_DIGITS): string {
  if (value === null || value === undefined) return "—";
  const scaled = parseDecimal(value);
  const abs = scaled < 0n ? -scaled : scaled;
  const sign = scaled < 0n ? "-" : "";
  const rounded = roundScaled(abs, digits);
  const unit = `0.${"0".repeat(digits - 1)}1`;
  if (abs !== 0n && rounded === 0n) return scaled < 0n ? `>-$${unit}` : `<$${unit}`;
  const whole = (rounded / FACTOR).toString();
  const frac = (rounded % FACTOR).toString().padStart(SCALE, "0").slice(0, digits);
  return `${sign}$${groupThousands(whole)}${digits > 0 ? `.${frac}` : ""}`;
}

/** True when formatUsd(value, digits) shows the amount exactly (nothing was rounded away). */
export function isExactAt(value: string | number, digits: number): boolean {
  const scaled = parseDecimal(value);
  return roundScaled(scaled, digits) === scaled;
}

/**
 * The precision a chart's dollar axis and tooltips share: cents when the largest value is a dollar or more,
 * else enough places for three significant digits of the largest value, at most CALL_DIGITS.
 */
export function chartUsdDigits(max: number): number {
  const abs = Math.abs(max);
  if (!Number.isFinite(abs) || abs === 0 || abs >= 1) return TOTAL_DIGITS;
  const leadingZeros = Math.max(0, -Math.floor(Math.log10(abs)) - 1);
  return Math.min(CALL_DIGITS, Math.max(TOTAL_DIGITS, leadingZeros + 3));
}

/** A chart's formatter for dollar amounts drawn as numbers, at one precision for the whole chart. */
export function chartUsdFormatter(values: readonly number[]): (value: number) => string {
  const digits = chartUsdDigits(values.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0));
  return (value: number) => (Number.isFinite(value) ? formatUsd(value, digits) : "—");
}

/** The exact amount with every significant decimal ("$0.0000123400" → "$0.00001234"). */
export function formatUsdExact(value: string | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const exact = formatDecimal(parseDecimal(value));
  const negative = exact.startsWith("-");
  const [whole = "0", frac = ""] = (negative ? exact.slice(1) : exact).split(".");
  return `${negative ? "-" : ""}$${groupThousands(whole)}.${frac.padEnd(2, "0")}`;
}

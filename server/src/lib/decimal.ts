/**
 * Exact decimal arithmetic for money. A value is an integer count of 10^-scale units held in a BigInt,
 * so sums and products never pass through a binary float.
 */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_PATTERN = /^([+-])?(\d+)(?:\.(\d*))?$|^([+-])?\.(\d+)$/;

export const ZERO: Decimal = Object.freeze({ units: 0n, scale: 0 });

/** Parses "0.075", "-3", "15.", ".5". Throws on anything else (no exponents, no blanks). */
export function parseDecimal(text: string): Decimal {
  const m = DECIMAL_PATTERN.exec(text.trim());
  if (!m) throw new Error(`not a decimal number: ${JSON.stringify(text)}`);
  const sign = (m[1] ?? m[4]) === "-" ? -1n : 1n;
  const whole = m[2] ?? "0";
  const fraction = m[3] ?? m[5] ?? "";
  return { units: sign * BigInt(whole + fraction), scale: fraction.length };
}

export function isDecimalString(text: string): boolean {
  return DECIMAL_PATTERN.test(text.trim());
}

/**
 * Converts a JS number from a data file (e.g. 0.075) to the decimal its author wrote: the shortest
 * representation that round-trips, including exponent forms such as 1e-7.
 */
export function decimalFromNumber(value: number): Decimal {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  const [mantissa = "0", exponentText] = String(value).toLowerCase().split("e");
  const base = parseDecimal(mantissa);
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  return exponent >= 0
    ? normalize({ units: base.units * 10n ** BigInt(exponent), scale: base.scale })
    : normalize({ units: base.units, scale: base.scale - exponent });
}

function rescale(d: Decimal, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

export function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  return add(a, { units: -b.units, scale: b.scale });
}

export function multiply(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function multiplyByInteger(a: Decimal, n: number | bigint): Decimal {
  if (typeof n === "number" && !Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return { units: a.units * BigInt(n), scale: a.scale };
}

/** Divides by 10^k exactly (only the scale moves). */
export function divideByPowerOf10(a: Decimal, k: number): Decimal {
  return { units: a.units, scale: a.scale + k };
}

/** Rounds half-even to at most `scale` decimals; exact values are left as they are. */
export function roundTo(a: Decimal, scale: number): Decimal {
  if (a.scale <= scale) return a;
  const divisor = 10n ** BigInt(a.scale - scale);
  let quotient = a.units / divisor;
  const remainder = a.units % divisor;
  const twice = (remainder < 0n ? -remainder : remainder) * 2n;
  if (twice > divisor || (twice === divisor && quotient % 2n !== 0n)) quotient += a.units < 0n ? -1n : 1n;
  return { units: quotient, scale };
}

/** Drops trailing zero decimals: 0.1500 → 0.15, 2.0 → 2. */
export function normalize(a: Decimal): Decimal {
  let { units, scale } = a;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Plain positional notation, never an exponent. `minScale` pads with zeros ("0.0000123400"). */
export function formatDecimal(a: Decimal, minScale = 0): string {
  const d = a.scale < minScale ? { units: rescale(a, minScale), scale: minScale } : a;
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString().padStart(d.scale + 1, "0");
  const whole = digits.slice(0, digits.length - d.scale);
  const fraction = digits.slice(digits.length - d.scale);
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** Canonical text for a decimal: no trailing zeros, "0" for zero. */
export function canonicalDecimal(text: string): string {
  return formatDecimal(normalize(parseDecimal(text)));
}

/** Sums decimal strings exactly (null/undefined count as nothing). */
export function sumDecimalStrings(values: Iterable<string | null | undefined>): string {
  let total = ZERO;
  for (const v of values) if (v != null) total = add(total, parseDecimal(v));
  return formatDecimal(normalize(total));
}

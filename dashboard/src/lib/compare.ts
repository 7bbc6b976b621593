// Change between two periods' costs, exact: Δ$ by scaled decimals, Δ% as a ratio of them.
import { decimalRatio, formatDecimal, parseDecimal } from "./money.ts";

export interface Change {
  deltaUsd: string;
  /** null when the previous cost was zero (growth from nothing has no percentage) */
  ratio: number | null;
}

export function change(current: string, previous: string): Change {
  const delta = formatDecimal(parseDecimal(current) - parseDecimal(previous));
  return { deltaUsd: delta, ratio: decimalRatio(delta, previous) };
}

/** "+$1.20" / "-$0.35" from a signed decimal string formatted by `fmt`. */
export function signed(value: string, fmt: (v: string) => string): string {
  return value.startsWith("-") ? fmt(value) : `+${fmt(value)}`;
}

/** "+12.5%" / "-3.0%", or "new" when there was nothing before. */
export function formatChangePercent(ratio: number | null): string {
  if (ratio === null) return "new";
  const pct = (ratio * 100).toFixed(1);
  return ratio > 0 ? `+${pct}%` : `${pct}%`;
}

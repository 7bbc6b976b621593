// How far along a budget is this month, from the API's decimal strings (exact: BigInt via money.ts).
// "Used" is settled spend plus reservations of calls in flight — what the proxy checks a new call against.
import type { Budget, VirtualKey } from "../api.ts";
import { decimalRatio, formatDecimal, formatUsd, parseDecimal } from "./money.ts";

/** Rows at or above this share of their limit are highlighted as close to it. */
export const NEAR_SHARE = 0.8;

export type UsageLevel = "ok" | "near" | "reached" | "over";

export interface BudgetUsage {
  /** spent + reserved, exact */
  usedUsd: string;
  /** used / limit (may pass 1); null for a zero limit */
  share: number | null;
  /** bar widths in [0, 1]: the settled part and the reserved part after it */
  spentWidth: number;
  reservedWidth: number;
  /** ok below 80%, near from 80%, reached at the limit, over past it */
  level: UsageLevel;
  /** by how much used passes the limit ("0" when it does not) */
  overByUsd: string;
}

const clamp = (n: number) => Math.min(1, Math.max(0, n));

export function budgetUsage(b: Pick<Budget, "monthlyUsd" | "spentUsd" | "reservedUsd">): BudgetUsage {
  const limit = parseDecimal(b.monthlyUsd);
  const spent = parseDecimal(b.spentUsd);
  const reserved = parseDecimal(b.reservedUsd);
  const used = spent + reserved;
  const share = decimalRatio(formatDecimal(used), b.monthlyUsd);
  const spentShare = decimalRatio(b.spentUsd, b.monthlyUsd);
  const spentWidth = limit === 0n ? (spent > 0n ? 1 : 0) : clamp(spentShare ?? 0);
  const reservedWidth = limit === 0n ? 0 : clamp(clamp(share ?? 0) - spentWidth);
  const level: UsageLevel = used > limit ? "over" : used === limit ? "reached" : share !== null && share >= NEAR_SHARE ? "near" : "ok";
  return {
    usedUsd: formatDecimal(used),
    share,
    spentWidth,
    reservedWidth,
    level,
    overByUsd: formatDecimal(used > limit ? used - limit : 0n),
  };
}

/** How a budget's key is named in the table: its prefix (and state when not active), or the whole app. */
export function budgetKeyLabel(keyId: string | null, keys: readonly VirtualKey[] | undefined): string {
  if (!keyId) return "whole app";
  const key = keys?.find((k) => k.id === keyId);
  if (!key) return `key ${keyId.slice(0, 8)}…`;
  return key.status === "active" ? `${key.prefix}…` : `${key.prefix}… (${key.status})`;
}

const MONTH_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-12-28" → "Dec 28". */
export function shortDate(iso: string): string {
  const m = /^\d{4}-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${MONTH_SHORT[Number(m[1]) - 1] ?? m[1]} ${Number(m[2])}` : iso;
}

/** What the forecast says about a budget: on track, or by how much and around when it will pass its limit. */
export function forecastVerdict(
  b: Pick<Budget, "forecastUsd" | "forecastExceedsOn" | "forecastExceedsByUsd" | "spentUsd" | "monthlyUsd">,
): { exceeds: boolean; text: string } {
  if (b.forecastUsd === undefined) return { exceeds: false, text: "" };
  if (!b.forecastExceedsOn) return { exceeds: false, text: "on track" };
  const by = formatUsd(b.forecastExceedsByUsd ?? "0");
  if (parseDecimal(b.spentUsd) >= parseDecimal(b.monthlyUsd)) return { exceeds: true, text: `limit passed; heading ${by} over` };
  return { exceeds: true, text: `will exceed by ${by} around ${shortDate(b.forecastExceedsOn)}` };
}

/** "month" → "a month" (as in "may spend $250 a month"). */
export function perPeriod(period: string | undefined): string {
  return period === "week" ? "a week" : period === "day" ? "a day" : "a month";
}

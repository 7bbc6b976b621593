import { Prisma } from "../generated/prisma/client.ts";
import type pg from "pg";
import type { PrismaClient } from "../db/client.ts";
import { TollgateError } from "../lib/errors.ts";
import { canonicalDecimal } from "../lib/decimal.ts";

/** A calendar month in UTC, "YYYY-MM". */
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function monthRange(month: string): { from: Date; to: Date } {
  const m = MONTH.exec(month);
  if (!m) throw new TollgateError("invalid_request", `month: "${month}" is not YYYY-MM`);
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  return { from: new Date(Date.UTC(y, mo, 1)), to: new Date(Date.UTC(y, mo + 1, 1)) };
}

/** The months ("YYYY-MM") that [from, to) touches. */
export function monthsTouching(from: Date, to: Date): string[] {
  const out: string[] = [];
  let y = from.getUTCFullYear();
  let m = from.getUTCMonth();
  while (Date.UTC(y, m, 1) < to.getTime()) {
    out.push(`${y}-${String(m + 1).padStart(2, "0")}`);
    if (++m === 12) [y, m] = [y + 1, 0];
  }
  return out;
}

export interface PeriodJson {
  month: string;
  closedAt: string;
  closedBy: string;
  reason: string | null;
  /** the month's totals when it was closed */
  costUsd: string;
  calls: number;
}

type ClosedRow = { month: string; closedAt: Date; closedBy: string; reason: string | null; costUsd: Prisma.Decimal; calls: bigint };

const periodJson = (r: ClosedRow): PeriodJson => ({
  month: r.month,
  closedAt: r.closedAt.toISOString(),
  closedBy: r.closedBy,
  reason: r.reason,
  costUsd: canonicalDecimal(r.costUsd.toFixed()),
  calls: Number(r.calls),
});

/** The month's cost and calls straight from calls (exact). */
export async function monthTotals(prisma: PrismaClient, month: string): Promise<{ costUsd: string; calls: number }> {
  const { from, to } = monthRange(month);
  const rows = await prisma.$queryRaw<Array<{ cost: string; calls: bigint }>>(
    Prisma.sql`SELECT coalesce(sum(cost_usd), 0)::text AS cost, count(*) AS calls FROM calls WHERE started_at >= ${from} AND started_at < ${to}`,
  );
  return { costUsd: canonicalDecimal(rows[0]?.cost ?? "0"), calls: Number(rows[0]?.calls ?? 0) };
}

export async function listClosed(prisma: PrismaClient): Promise<PeriodJson[]> {
  return (await prisma.closedPeriod.findMany({ orderBy: { month: "desc" } })).map(periodJson);
}

export async function getClosed(prisma: PrismaClient, month: string): Promise<PeriodJson | null> {
  const row = await prisma.closedPeriod.findUnique({ where: { month } });
  return row ? periodJson(row) : null;
}

/** Closes a month (409 if it is closed already), keeping its totals at this moment. */
export async function closeMonth(prisma: PrismaClient, month: string, closedBy: string, reason: string | null): Promise<PeriodJson> {
  const { to } = monthRange(month);
  if (to.getTime() > Date.now()) throw new TollgateError("invalid_request", `month: ${month} has not ended yet`);
  if (await prisma.closedPeriod.findUnique({ where: { month } })) throw new TollgateError("conflict", `${month} is already closed`);
  const totals = await monthTotals(prisma, month);
  const row = await prisma.closedPeriod.create({ data: { month, closedBy, reason, costUsd: totals.costUsd, calls: BigInt(totals.calls) } });
  return periodJson(row);
}

/** Reopens a closed month; the reason is required (it goes to the audit log). */
export async function reopenMonth(prisma: PrismaClient, month: string, reason: string): Promise<PeriodJson> {
  monthRange(month);
  if (reason.trim().length === 0) throw new TollgateError("invalid_request", "reason: required to reopen a closed month");
  const row = await prisma.closedPeriod.findUnique({ where: { month } });
  if (!row) throw new TollgateError("conflict", `${month} is not closed`);
  await prisma.closedPeriod.delete({ where: { month } });
  return periodJson(row);
}

/**
 * The closed months that [from, to) touches (pool: called from prices recompute, which works on the pool).
 */
export async function closedMonthsIn(pool: pg.Pool, from: Date, to: Date): Promise<string[]> {
  const { rows } = await pool.query<{ month: string }>("SELECT month FROM closed_periods WHERE month = ANY($1::text[]) ORDER BY month", [
    monthsTouching(from, to),
  ]);
  return rows.map((r) => r.month);
}

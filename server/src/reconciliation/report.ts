import type { ReconcileConfig } from "../config.ts";
import type { PrismaClient } from "../db/client.ts";
import { freshness, providerGroups, tollgateByKey, tollgateByModel, type RangeQuery } from "../reports/reconciliation-sql.ts";
import { compareByKey, compareByModel, dayText, isComplete, type ReconciliationRow } from "./comparison.ts";
import { tollgateLineItems, providerLineItems } from "../reports/reconciliation-line-items-sql.ts";
import { withLineItems } from "./line-items.ts";
import { DAY_MS, utcDay } from "./report-rows.ts";

export const RECONCILE_GROUP_BY = ["day", "model", "key"] as const;
export type ReconcileGroupBy = (typeof RECONCILE_GROUP_BY)[number];

export interface FreshnessJson {
  provider: string;
  day: string;
  fetchedAt: string;
  complete: boolean;
  hourly: boolean;
}

export interface Reconciliation {
  from: string;
  to: string;
  groupBy: ReconcileGroupBy;
  /** providers with an admin key configured (others are never fetched) */
  sources: string[];
  rows: ReconciliationRow[];
  freshness: FreshnessJson[];
}

/** The comparison of Tollgate's calls with the providers' stored reports over whole UTC days [from, to). */
export async function buildReconciliation(
  prisma: PrismaClient,
  config: Pick<ReconcileConfig, "sources">,
  q: RangeQuery & { groupBy: ReconcileGroupBy },
): Promise<Reconciliation> {
  const range = { from: utcDay(q.from), to: new Date(utcDay(new Date(q.to.getTime() - 1)).getTime() + DAY_MS), provider: q.provider };
  const fetches = await freshness(prisma, range);
  let rows: ReconciliationRow[];
  if (q.groupBy === "key") {
    const [tollgate, provider] = await Promise.all([tollgateByKey(prisma, range), providerGroups(prisma, range, "api_key_id")]);
    const held = Object.fromEntries(config.sources.map((s) => [s.provider, s.heldKeyId]));
    rows = compareByKey({ tollgate, provider, fetches }, held);
  } else {
    const byModel = q.groupBy === "model";
    const [tollgate, provider, tollgateItems, providerItems] = await Promise.all([
      tollgateByModel(prisma, range),
      providerGroups(prisma, range, "model"),
      tollgateLineItems(prisma, range, byModel),
      providerLineItems(prisma, range, byModel),
    ]);
    rows = withLineItems(compareByModel({ tollgate, provider, fetches }, byModel), tollgateItems, providerItems);
  }
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    groupBy: q.groupBy,
    sources: config.sources.map((s) => s.provider),
    rows,
    freshness: fetches.map((f) => ({
      provider: f.provider,
      day: dayText(f.day),
      fetchedAt: f.fetchedAt.toISOString(),
      complete: isComplete(f.day, f),
      hourly: f.hourly,
    })),
  };
}

/**
 * Per provider, the latest UTC day whose report was fetched complete, with provider − Tollgate cost for it
 * (what tollgate_reconciliation_drift_usd shows). Providers with no complete day are left out.
 */
export async function lastCompleteDrift(
  prisma: PrismaClient,
  config: Pick<ReconcileConfig, "sources">,
  now: Date,
): Promise<Array<{ provider: string; day: string; driftUsd: string; providerCostUsd: string }>> {
  const out = [];
  for (const source of config.sources) {
    const fetched = await prisma.providerReportFetch.findMany({
      where: { provider: source.provider, day: { lt: utcDay(now) } },
      orderBy: { day: "desc" },
      take: 7,
    });
    const day = fetched.find((f) => isComplete(f.day, { provider: f.provider, day: f.day, fetchedAt: f.fetchedAt, hourly: f.hourly }));
    if (!day) continue;
    const report = await buildReconciliation(prisma, config, {
      from: day.day,
      to: new Date(day.day.getTime() + DAY_MS),
      provider: source.provider,
      groupBy: "day",
    });
    const row = report.rows[0];
    out.push({
      provider: source.provider,
      day: dayText(day.day),
      driftUsd: row?.costUsd.diff ?? "0",
      providerCostUsd: row?.costUsd.provider ?? "0",
    });
  }
  return out;
}

import type { PrismaClient } from "../db/client.ts";
import { DAY_MS, type BucketWidth, type CostRow, type ProviderReport, type ReportProvider, type UsageRow } from "./report-rows.ts";
import { sumDecimalStrings } from "../lib/decimal.ts";

const USAGE_SUMS = [
  "inputTokens",
  "cachedInputTokens",
  "cacheWrite5mTokens",
  "cacheWrite1hTokens",
  "outputTokens",
  "inputAudioTokens",
  "outputAudioTokens",
  "webSearchRequests",
] as const;

function usageKey(r: UsageRow): string {
  return [
    r.bucketWidth,
    r.bucketStart.toISOString(),
    r.report,
    r.model,
    r.projectId,
    r.apiKeyId,
    r.workspaceId,
    r.serviceTier,
    r.batch,
  ].join("\u0000");
}

function costKey(r: CostRow): string {
  return [
    r.day.toISOString(),
    r.lineItem,
    r.model,
    r.projectId,
    r.workspaceId,
    r.costType,
    r.tokenType,
    r.serviceTier,
    r.contextWindow,
  ].join("\u0000");
}

/** Rows the report repeats for one key (a dimension the table does not keep) are added up, not dropped. */
export function mergeUsage(rows: readonly UsageRow[]): UsageRow[] {
  const byKey = new Map<string, UsageRow>();
  for (const r of rows) {
    const seen = byKey.get(usageKey(r));
    if (!seen) {
      byKey.set(usageKey(r), { ...r });
      continue;
    }
    for (const f of USAGE_SUMS) seen[f] += r[f];
    seen.requests = seen.requests === null || r.requests === null ? null : seen.requests + r.requests;
  }
  return [...byKey.values()];
}

export function mergeCosts(rows: readonly CostRow[]): CostRow[] {
  const byKey = new Map<string, CostRow>();
  for (const r of rows) {
    const seen = byKey.get(costKey(r));
    if (seen) seen.amountUsd = sumDecimalStrings([seen.amountUsd, r.amountUsd]);
    else byKey.set(costKey(r), { ...r });
  }
  return [...byKey.values()];
}

export interface StoreResult {
  days: number;
  usageRows: number;
  costRows: number;
}

/**
 * Replaces what is stored for a provider's UTC days [from, to) with a fresh report, in one transaction:
 * every bucket of the widths fetched and every cost line of those days is deleted and the report inserted,
 * so re-fetching a day leaves exactly the provider's current figures (rows the provider dropped go too).
 */
export async function replaceReport(
  prisma: PrismaClient,
  provider: ReportProvider,
  range: { from: Date; to: Date; widths: BucketWidth[] },
  report: ProviderReport,
  fetchedAt: Date,
): Promise<StoreResult> {
  const { from, to, widths } = range;
  const usage = mergeUsage(report.usage.filter((r) => r.bucketStart >= from && r.bucketStart < to));
  const costs = mergeCosts(report.costs.filter((r) => r.day >= from && r.day < to));
  const days: Date[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += DAY_MS) days.push(new Date(t));
  const dailyUsage = (day: Date) => usage.filter((r) => r.bucketWidth === "1d" && r.bucketStart.getTime() === day.getTime()).length;
  const dailyCosts = (day: Date) => costs.filter((r) => r.day.getTime() === day.getTime()).length;
  await prisma.$transaction([
    prisma.providerUsage.deleteMany({ where: { provider, bucketWidth: { in: widths }, bucketStart: { gte: from, lt: to } } }),
    prisma.providerCost.deleteMany({ where: { provider, day: { gte: from, lt: to } } }),
    prisma.providerUsage.createMany({ data: usage.map((r) => ({ ...r, fetchedAt })) }),
    prisma.providerCost.createMany({ data: costs.map((r) => ({ ...r, fetchedAt })) }),
    ...days.map((day) =>
      prisma.providerReportFetch.upsert({
        where: { provider_day: { provider, day } },
        create: { provider, day, fetchedAt, usageRows: dailyUsage(day), costRows: dailyCosts(day), hourly: widths.includes("1h") },
        update: { fetchedAt, usageRows: dailyUsage(day), costRows: dailyCosts(day), hourly: widths.includes("1h") },
      }),
    ),
  ]);
  return { days: days.length, usageRows: usage.length, costRows: costs.length };
}

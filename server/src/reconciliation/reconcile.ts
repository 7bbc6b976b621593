import type { ReportSource } from "../config.ts";
import type { PrismaClient } from "../db/client.ts";
import type { AdminHttp } from "./admin-http.ts";
import { anthropicHttp, fetchAnthropicReport } from "./anthropic-reports.ts";
import { fetchOpenAiReport, openAiHttp } from "./openai-reports.ts";
import { DAY_MS, utcDay, type BucketWidth, type ReportProvider } from "./report-rows.ts";
import { replaceReport, type StoreResult } from "./report-store.ts";

export interface ReconcileOptions {
  /** first UTC day (rounded down to midnight) */
  from: Date;
  /** end, exclusive (rounded up to the next midnight) */
  to: Date;
  /** fetch hourly usage buckets too */
  hourly?: boolean;
  /** only these providers (default: every configured source) */
  providers?: ReportProvider[];
  /** retry and timing knobs for the admin HTTP calls (tests shorten the backoff) */
  http?: Partial<Pick<AdminHttp, "maxAttempts" | "backoffMs" | "maxRetryAfterMs" | "sleep" | "timeoutMs">>;
  now?: () => Date;
}

export interface ReconcileResult extends StoreResult {
  provider: ReportProvider;
  from: string;
  to: string;
}

/** Fetches each source's usage and cost reports for [from, to) and replaces what is stored for those days. */
export async function reconcile(
  prisma: PrismaClient,
  sources: readonly ReportSource[],
  options: ReconcileOptions,
): Promise<ReconcileResult[]> {
  const from = utcDay(options.from);
  const end = utcDay(new Date(options.to.getTime() - 1));
  const to = new Date(end.getTime() + DAY_MS);
  const widths: BucketWidth[] = options.hourly ? ["1d", "1h"] : ["1d"];
  const results: ReconcileResult[] = [];
  for (const source of sources) {
    if (options.providers && !options.providers.includes(source.provider)) continue;
    const fetchedAt = (options.now ?? (() => new Date()))();
    const report =
      source.provider === "openai"
        ? await fetchOpenAiReport({ ...openAiHttp(source.baseUrl, source.adminKey), ...options.http }, from, to, { hourly: options.hourly })
        : await fetchAnthropicReport({ ...anthropicHttp(source.baseUrl, source.adminKey), ...options.http }, from, to, {
            hourly: options.hourly,
          });
    const stored = await replaceReport(prisma, source.provider, { from, to, widths }, report, fetchedAt);
    results.push({ provider: source.provider, from: from.toISOString(), to: to.toISOString(), ...stored });
  }
  return results;
}

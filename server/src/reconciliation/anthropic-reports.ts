import { divideByPowerOf10, formatDecimal, normalize, parseDecimal } from "../lib/decimal.ts";
import { getAllPages, type AdminHttp } from "./admin-http.ts";
import { dim, tokens, type BucketWidth, type CostRow, type ProviderReport, type UsageRow } from "./report-rows.ts";

/**
 * Anthropic's Admin API usage and cost report (admin key in x-api-key, anthropic-version header). Buckets
 * carry starting_at/ending_at (RFC 3339). The messages usage report gives uncached_input_tokens,
 * cache_read_input_tokens, cache_creation.{ephemeral_5m_input_tokens, ephemeral_1h_input_tokens},
 * output_tokens and server_tool_use.web_search_requests, and no request count. The cost report's amount is
 * a decimal string in the currency's lowest unit: cents for USD ("123.45" is $1.2345).
 */
interface Bucket {
  starting_at: string;
  ending_at: string;
  results: Array<Record<string, unknown>>;
}

const MAX_LIMIT: Record<BucketWidth, number> = { "1d": 31, "1h": 168 };
export const ANTHROPIC_VERSION = "2023-06-01";

export function anthropicHttp(baseUrl: string, adminKey: string): AdminHttp {
  return { baseUrl, headers: { "x-api-key": adminKey, "anthropic-version": ANTHROPIC_VERSION }, secret: adminKey };
}

function range(from: Date, to: Date, width: BucketWidth, groupBy: string[]): URLSearchParams {
  const q = new URLSearchParams({
    starting_at: from.toISOString(),
    ending_at: to.toISOString(),
    bucket_width: width,
    limit: String(MAX_LIMIT[width]),
  });
  for (const g of groupBy) q.append("group_by[]", g);
  return q;
}

/** Cents as a decimal string → dollars, exactly. */
export function centsToUsd(cents: string): string {
  return formatDecimal(normalize(divideByPowerOf10(parseDecimal(cents), 2)));
}

export async function fetchAnthropicReport(
  http: AdminHttp,
  from: Date,
  to: Date,
  options: { hourly?: boolean } = {},
): Promise<ProviderReport> {
  const usage: UsageRow[] = [];
  const widths: BucketWidth[] = options.hourly ? ["1d", "1h"] : ["1d"];
  for (const width of widths) {
    const buckets = await getAllPages<Bucket>(
      http,
      "/v1/organizations/usage_report/messages",
      range(from, to, width, ["model", "api_key_id", "workspace_id", "service_tier"]),
    );
    for (const b of buckets) {
      for (const r of b.results) {
        const creation = (r.cache_creation ?? {}) as Record<string, unknown>;
        const tools = (r.server_tool_use ?? {}) as Record<string, unknown>;
        const uncached = tokens(r.uncached_input_tokens);
        const read = tokens(r.cache_read_input_tokens);
        const w5m = tokens(creation.ephemeral_5m_input_tokens);
        const w1h = tokens(creation.ephemeral_1h_input_tokens);
        usage.push({
          provider: "anthropic",
          bucketWidth: width,
          bucketStart: new Date(b.starting_at),
          report: "messages",
          model: dim(r.model),
          projectId: "",
          apiKeyId: dim(r.api_key_id),
          workspaceId: dim(r.workspace_id),
          serviceTier: dim(r.service_tier),
          batch: "",
          requests: null,
          inputTokens: uncached + read + w5m + w1h,
          cachedInputTokens: read,
          cacheWrite5mTokens: w5m,
          cacheWrite1hTokens: w1h,
          outputTokens: tokens(r.output_tokens),
          inputAudioTokens: 0n,
          outputAudioTokens: 0n,
          webSearchRequests: tokens(tools.web_search_requests),
        });
      }
    }
  }
  // The cost report has daily buckets only.
  const costBuckets = await getAllPages<Bucket>(
    http,
    "/v1/organizations/cost_report",
    range(from, to, "1d", ["workspace_id", "description"]),
  );
  const costs: CostRow[] = [];
  for (const b of costBuckets) {
    for (const r of b.results) {
      costs.push({
        provider: "anthropic",
        day: new Date(b.starting_at),
        lineItem: dim(r.description),
        model: dim(r.model),
        projectId: "",
        workspaceId: dim(r.workspace_id),
        costType: dim(r.cost_type),
        tokenType: dim(r.token_type),
        serviceTier: dim(r.service_tier),
        contextWindow: dim(r.context_window),
        amountUsd: centsToUsd(String(r.amount ?? "0")),
        currency: dim(r.currency).toLowerCase() || "usd",
      });
    }
  }
  return { usage, costs };
}

import { decimalFromNumber, formatDecimal, isDecimalString, canonicalDecimal } from "../lib/decimal.ts";
import { getAllPages, type AdminHttp } from "./admin-http.ts";
import { dim, tokens, type BucketWidth, type CostRow, type ProviderReport, type UsageRow } from "./report-rows.ts";

/**
 * OpenAI's organisation usage and costs API (admin key, Bearer). Buckets carry start_time/end_time in Unix
 * seconds; results carry the group_by dimensions (null when not grouped). Usage: input_tokens (text, cached
 * included), input_cached_tokens, output_tokens, input_audio_tokens, output_audio_tokens, num_model_requests.
 * Costs: amount.value in the currency's main unit (dollars) with amount.currency, per line_item and project.
 */
interface Bucket<R> {
  start_time: number;
  end_time: number;
  results: R[];
}

type Result = Record<string, unknown>;

/** The most buckets a page may hold for each width (the API's maximum `limit`). */
const MAX_LIMIT: Record<BucketWidth, number> = { "1d": 31, "1h": 168 };

export function openAiHttp(baseUrl: string, adminKey: string): AdminHttp {
  return { baseUrl, headers: { authorization: `Bearer ${adminKey}` }, secret: adminKey };
}

function range(from: Date, to: Date, width: BucketWidth, groupBy: string[]): URLSearchParams {
  const q = new URLSearchParams({
    start_time: String(Math.floor(from.getTime() / 1000)),
    end_time: String(Math.floor(to.getTime() / 1000)),
    bucket_width: width,
    limit: String(MAX_LIMIT[width]),
  });
  for (const g of groupBy) q.append("group_by", g);
  return q;
}

function usageRow(report: string, width: BucketWidth, start: number, r: Result): UsageRow {
  const inputAudio = tokens(r.input_audio_tokens);
  const outputAudio = tokens(r.output_audio_tokens);
  return {
    provider: "openai",
    bucketWidth: width,
    bucketStart: new Date(start * 1000),
    report,
    model: dim(r.model),
    projectId: dim(r.project_id),
    apiKeyId: dim(r.api_key_id),
    workspaceId: "",
    serviceTier: dim(r.service_tier),
    batch: r.batch === undefined || r.batch === null ? "" : String(r.batch),
    requests: tokens(r.num_model_requests),
    inputTokens: tokens(r.input_tokens) + inputAudio,
    cachedInputTokens: tokens(r.input_cached_tokens),
    cacheWrite5mTokens: 0n,
    cacheWrite1hTokens: 0n,
    outputTokens: tokens(r.output_tokens) + outputAudio,
    inputAudioTokens: inputAudio,
    outputAudioTokens: outputAudio,
    webSearchRequests: 0n,
  };
}

/** A JSON amount (a number in the docs; a decimal string accepted) as an exact decimal string. */
function amountText(value: unknown): string {
  if (typeof value === "number") return formatDecimal(decimalFromNumber(value));
  if (typeof value === "string" && isDecimalString(value)) return canonicalDecimal(value);
  throw new Error(`not an amount: ${JSON.stringify(value)}`);
}

/**
 * A costs line_item names the model and the token kind, "gpt-4o-mini-2024-07-18, input" or
 * ", cached input"; other items ("Web search tool calls") name no model we can tell apart, so only items
 * with that comma form give a model.
 */
export function splitLineItem(lineItem: string): { model: string; tokenType: string } {
  const comma = lineItem.indexOf(", ");
  if (comma <= 0) return { model: "", tokenType: "" };
  return { model: lineItem.slice(0, comma), tokenType: lineItem.slice(comma + 2) };
}

export async function fetchOpenAiReport(
  http: AdminHttp,
  from: Date,
  to: Date,
  options: { hourly?: boolean } = {},
): Promise<ProviderReport> {
  const usage: UsageRow[] = [];
  const widths: BucketWidth[] = options.hourly ? ["1d", "1h"] : ["1d"];
  for (const width of widths) {
    const completions = await getAllPages<Bucket<Result>>(
      http,
      "/v1/organization/usage/completions",
      range(from, to, width, ["model", "project_id", "api_key_id", "batch"]),
    );
    for (const b of completions) for (const r of b.results) usage.push(usageRow("completions", width, b.start_time, r));
    const embeddings = await getAllPages<Bucket<Result>>(
      http,
      "/v1/organization/usage/embeddings",
      range(from, to, width, ["model", "project_id", "api_key_id"]),
    );
    for (const b of embeddings) for (const r of b.results) usage.push(usageRow("embeddings", width, b.start_time, r));
  }
  const costBuckets = await getAllPages<Bucket<Result>>(http, "/v1/organization/costs", range(from, to, "1d", ["line_item", "project_id"]));
  const costs: CostRow[] = [];
  for (const b of costBuckets) {
    for (const r of b.results) {
      const amount = (r.amount ?? {}) as { value?: unknown; currency?: unknown };
      const lineItem = dim(r.line_item);
      const { model, tokenType } = splitLineItem(lineItem);
      costs.push({
        provider: "openai",
        day: new Date(b.start_time * 1000),
        lineItem,
        model,
        projectId: dim(r.project_id),
        workspaceId: "",
        costType: "",
        tokenType,
        serviceTier: "",
        contextWindow: "",
        amountUsd: amountText(amount.value ?? 0),
        currency: dim(amount.currency).toLowerCase() || "usd",
      });
    }
  }
  return { usage, costs };
}

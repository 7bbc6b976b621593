import { Prisma } from "../generated/prisma/client.ts";
import type { PrismaClient } from "../db/client.ts";
import { RECONCILED_PROVIDERS, type RangeQuery } from "./reconciliation-sql.ts";

/**
 * The line items of the providers' usage reports beyond plain tokens, per UTC day × provider × model (or per
 * day × provider, key ''), on one side: web search tool requests, audio input/output tokens, and the
 * tokens of batch jobs. Counts as integer strings.
 */
export interface LineItemGroup {
  day: Date;
  provider: string;
  key: string;
  webSearchRequests: string;
  audioInputTokens: string;
  audioOutputTokens: string;
  batchInputTokens: string;
  batchOutputTokens: string;
}

const providers = (q: RangeQuery) => (q.provider ? [q.provider] : [...RECONCILED_PROVIDERS]);

/**
 * Tollgate's side from call_reconcile_daily (the range is whole UTC days): web searches are the `web_search`
 * fees' counts (a fee whose count the provider did not report adds nothing), audio the audio parts of the
 * tokens, batch the tokens of batch jobs' result lines (service tier `batch`).
 */
export async function tollgateLineItems(prisma: PrismaClient, q: RangeQuery, byModel: boolean): Promise<LineItemGroup[]> {
  const key = byModel ? Prisma.sql`model` : Prisma.sql`''`;
  return prisma.$queryRaw<LineItemGroup[]>(Prisma.sql`
    SELECT day, provider, ${key} AS key, sum(web_search_requests)::text AS "webSearchRequests",
           sum(audio_input_tokens)::text AS "audioInputTokens", sum(audio_output_tokens)::text AS "audioOutputTokens",
           sum(batch_input_tokens)::text AS "batchInputTokens", sum(batch_output_tokens)::text AS "batchOutputTokens"
      FROM call_reconcile_daily
     WHERE day >= ${q.from} AND day < ${q.to} AND provider IN (${Prisma.join(providers(q))})
     GROUP BY 1, 2, 3`);
}

/**
 * The providers' side from their daily usage reports: Anthropic's server_tool_use.web_search_requests, OpenAI's
 * input/output audio tokens, and batch usage (OpenAI's rows grouped `batch: true`, Anthropic's service tier
 * `batch`).
 */
export async function providerLineItems(prisma: PrismaClient, q: RangeQuery, byModel: boolean): Promise<LineItemGroup[]> {
  const key = byModel ? Prisma.sql`model` : Prisma.sql`''`;
  const batch = Prisma.sql`(batch = 'true' OR service_tier = 'batch')`;
  return prisma.$queryRaw<LineItemGroup[]>(Prisma.sql`
    SELECT bucket_start AS day, provider, ${key} AS key,
           sum(web_search_requests)::text AS "webSearchRequests",
           sum(input_audio_tokens)::text AS "audioInputTokens", sum(output_audio_tokens)::text AS "audioOutputTokens",
           coalesce(sum(input_tokens) FILTER (WHERE ${batch}), 0)::text AS "batchInputTokens",
           coalesce(sum(output_tokens) FILTER (WHERE ${batch}), 0)::text AS "batchOutputTokens"
      FROM provider_usage
     WHERE bucket_width = '1d' AND bucket_start >= ${q.from} AND bucket_start < ${q.to} AND provider IN (${Prisma.join(providers(q))})
     GROUP BY 1, 2, 3`);
}

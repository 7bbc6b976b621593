import { Prisma } from "../generated/prisma/client.ts";
import type { PrismaClient } from "../db/client.ts";

/** The providers whose organisation reports Tollgate reads; their calls are the ones compared. */
export const RECONCILED_PROVIDERS = ["openai", "anthropic"] as const;

/** One side's figures for one day × provider × model (or API key): counts as integer strings, cost as a decimal string. */
export interface Figures {
  requests: string | null;
  inputTokens: string;
  cachedInputTokens: string;
  cacheWriteTokens: string;
  cacheWrite1hTokens: string;
  outputTokens: string;
  costUsd: string | null;
}

export interface TollgateGroup extends Figures {
  day: Date;
  provider: string;
  /** the model as the provider answered it (response model, else requested), or the held-key group */
  key: string;
  unpricedCalls: string;
  lastCall: Date;
}

export interface ProviderGroup extends Figures {
  day: Date;
  provider: string;
  key: string;
  webSearchRequests: string;
  /** by API key: the key's OpenAI project or Anthropic workspace ('' when not reported) */
  project: string | null;
}

export interface Freshness {
  provider: string;
  day: Date;
  fetchedAt: Date;
  hourly: boolean;
}

export interface RangeQuery {
  from: Date;
  to: Date;
  provider?: string;
}

const providers = (q: RangeQuery) => (q.provider ? [q.provider] : [...RECONCILED_PROVIDERS]);

/**
 * Tollgate's calls per UTC day × provider × model, from call_reconcile_daily (maintained with the calls;
 * the range is whole UTC days, so no raw calls are read). The model is the one the provider answered with,
 * as its reports name models that way (gpt-4o-mini-2024-07-18). Requests count successful calls; tokens and
 * cost count every call (a cut stream is still billed).
 */
export async function tollgateByModel(prisma: PrismaClient, q: RangeQuery): Promise<TollgateGroup[]> {
  return tollgateGroups(prisma, q, Prisma.raw("model"));
}

/**
 * Tollgate's calls per day × provider × key used: '' for calls a virtual key made (Tollgate substituted
 * the provider key it holds), 'pass-through' for calls that carried the client's own provider key.
 */
export async function tollgateByKey(prisma: PrismaClient, q: RangeQuery): Promise<TollgateGroup[]> {
  return tollgateGroups(prisma, q, Prisma.raw("CASE WHEN held THEN '' ELSE 'pass-through' END"));
}

async function tollgateGroups(prisma: PrismaClient, q: RangeQuery, key: Prisma.Sql): Promise<TollgateGroup[]> {
  return prisma.$queryRaw<TollgateGroup[]>(Prisma.sql`
    SELECT day, provider, ${key} AS key, sum(requests)::text AS requests,
           sum(input_tokens)::text AS "inputTokens", sum(cached_input_tokens)::text AS "cachedInputTokens",
           sum(cache_write_tokens)::text AS "cacheWriteTokens", sum(cache_write_1h_tokens)::text AS "cacheWrite1hTokens",
           sum(output_tokens)::text AS "outputTokens", sum(cost_usd)::text AS "costUsd",
           sum(unpriced_calls)::text AS "unpricedCalls", max(last_call) AS "lastCall"
      FROM call_reconcile_daily
     WHERE day >= ${q.from} AND day < ${q.to} AND provider IN (${Prisma.join(providers(q))})
     GROUP BY 1, 2, 3`);
}

/**
 * The providers' daily figures per model (by: 'model') or per API key (by: 'api_key_id'): usage from
 * provider_usage, cost from provider_costs (cost reports do not break down by key: null there). Requests
 * stay null when the report counts none.
 */
export async function providerGroups(prisma: PrismaClient, q: RangeQuery, by: "model" | "api_key_id"): Promise<ProviderGroup[]> {
  const keyColumn = Prisma.raw(by === "model" ? "model" : "api_key_id");
  const costs =
    by === "model"
      ? Prisma.sql`SELECT day, provider, model AS key, sum(amount_usd) FILTER (WHERE currency = 'usd') AS cost
                     FROM provider_costs WHERE day >= ${q.from} AND day < ${q.to} AND provider IN (${Prisma.join(providers(q))})
                    GROUP BY 1, 2, 3`
      : Prisma.sql`SELECT NULL::timestamptz AS day, NULL::text AS provider, NULL::text AS key, NULL::numeric AS cost WHERE false`;
  return prisma.$queryRaw<ProviderGroup[]>(Prisma.sql`
    WITH u AS (
      SELECT bucket_start AS day, provider, ${keyColumn} AS key,
             CASE WHEN count(requests) = 0 THEN NULL ELSE sum(requests) END AS requests,
             sum(input_tokens) AS input, sum(cached_input_tokens) AS cached,
             sum(cache_write_5m_tokens + cache_write_1h_tokens) AS writes, sum(cache_write_1h_tokens) AS writes1h,
             sum(output_tokens) AS output, sum(web_search_requests) AS web,
             max(coalesce(nullif(project_id, ''), workspace_id)) AS project
        FROM provider_usage
       WHERE bucket_width = '1d' AND bucket_start >= ${q.from} AND bucket_start < ${q.to} AND provider IN (${Prisma.join(providers(q))})
       GROUP BY 1, 2, 3
    ), c AS (${costs})
    SELECT coalesce(u.day, c.day) AS day, coalesce(u.provider, c.provider) AS provider, coalesce(u.key, c.key) AS key,
           u.requests::text AS requests,
           coalesce(u.input, 0)::text AS "inputTokens", coalesce(u.cached, 0)::text AS "cachedInputTokens",
           coalesce(u.writes, 0)::text AS "cacheWriteTokens", coalesce(u.writes1h, 0)::text AS "cacheWrite1hTokens",
           coalesce(u.output, 0)::text AS "outputTokens", coalesce(u.web, 0)::text AS "webSearchRequests", u.project,
           ${by === "model" ? Prisma.sql`coalesce(c.cost, 0)::text` : Prisma.sql`NULL::text`} AS "costUsd"
      FROM u FULL OUTER JOIN c ON c.day = u.day AND c.provider = u.provider AND c.key = u.key`);
}

/** When each provider's days in range were last fetched. */
export async function freshness(prisma: PrismaClient, q: RangeQuery): Promise<Freshness[]> {
  const rows = await prisma.providerReportFetch.findMany({
    where: { day: { gte: q.from, lt: q.to }, provider: { in: providers(q) } },
    orderBy: [{ day: "asc" }, { provider: "asc" }],
  });
  return rows.map((r) => ({ provider: r.provider, day: r.day, fetchedAt: r.fetchedAt, hourly: r.hourly }));
}

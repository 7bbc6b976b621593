import type { IncomingMessage, ServerResponse } from "node:http";
import {
  add,
  divideByPowerOf10,
  formatDecimal,
  multiplyByInteger,
  normalize,
  parseDecimal,
  ZERO,
  type Decimal,
} from "../../server/src/lib/decimal.ts";
import { startFakeServer, type FakeServer } from "./fake-server.ts";

/**
 * Fakes of the providers' organisation admin APIs, answering from a ledger of usage the test builds (calls
 * the fake provider served, however they reached it). They follow the API references:
 * - OpenAI `GET /v1/organization/usage/completions`, `/usage/embeddings`, `/costs`: Bearer admin key;
 *   start_time/end_time (Unix seconds, end exclusive), bucket_width 1m/1h/1d, group_by (repeated), limit
 *   (buckets per page), page (the previous next_page); every bucket of the range is listed, empty ones
 *   with results []; ungrouped dimensions are null; cost amount.value is a number in dollars, currency "usd".
 * - Anthropic `GET /v1/organizations/usage_report/messages`, `/cost_report`: x-api-key + anthropic-version;
 *   starting_at/ending_at (RFC 3339), group_by[]; no request count; cost amount is a decimal string in
 *   cents, currency "USD"; model/token_type/cost_type only when grouped by description.
 * Both answer 401 to a wrong key, and the next `faults` queued (429 with retry-after, 5xx) before anything else.
 */

export interface UsageEvent {
  time: Date;
  model: string;
  apiKeyId: string;
  projectId?: string;
  workspaceId?: string;
  serviceTier?: string;
  /** OpenAI: 'completions' (default) or 'embeddings' */
  report?: "completions" | "embeddings";
  requests?: number;
  /** OpenAI: text input, cached included. Anthropic: uncached input only */
  inputTokens: number;
  cachedInputTokens?: number;
  cacheWrite5mTokens?: number;
  cacheWrite1hTokens?: number;
  outputTokens: number;
  inputAudioTokens?: number;
  outputAudioTokens?: number;
  webSearchRequests?: number;
  /** OpenAI: a Batch API request (the usage report's `batch` dimension) */
  batch?: boolean;
}

/** USD per million tokens, decimal strings (what the provider bills, whatever Tollgate thinks). */
export interface FakePrice {
  input: string;
  cachedInput?: string;
  cacheWrite5m?: string;
  cacheWrite1h?: string;
  output: string;
  /** USD per web search request */
  webSearch?: string;
}

export interface Fault {
  status: number;
  retryAfter?: string;
}

export interface FakeOrgReports extends FakeServer {
  events: UsageEvent[];
  faults: Fault[];
  /** requests answered per path (pagination and retries show here) */
  hits: Map<string, number>;
}

export interface FakeOrgOptions {
  adminKey: string;
  prices: Record<string, FakePrice>;
  /** cap on buckets per page below the requested limit, to force pagination */
  maxBucketsPerPage?: number;
}

const WIDTH_MS: Record<string, number> = { "1m": 60_000, "1h": 3_600_000, "1d": 86_400_000 };

function buckets(from: number, to: number, width: string): number[] {
  const w = WIDTH_MS[width]!;
  const out: number[] = [];
  for (let t = Math.floor(from / w) * w; t < to; t += w) out.push(t);
  return out;
}

const perMTok = (tokens: number, rate: string | undefined): Decimal =>
  rate === undefined || tokens === 0 ? ZERO : divideByPowerOf10(multiplyByInteger(parseDecimal(rate), tokens), 6);

function groupKey(e: UsageEvent, groupBy: string[], fields: Record<string, (e: UsageEvent) => unknown>): string {
  return JSON.stringify(groupBy.map((g) => fields[g]?.(e) ?? null));
}

/** The page cursor: the index of the next bucket, opaque to the client. */
const cursor = (i: number) => Buffer.from(`bucket:${i}`).toString("base64url");
const fromCursor = (s: string | null) => (s ? Number(Buffer.from(s, "base64url").toString().slice(7)) : 0);

function paged<T>(
  all: T[],
  limit: number,
  page: string | null,
  options: FakeOrgOptions,
): { data: T[]; has_more: boolean; next_page: string | null } {
  const per = Math.min(limit, options.maxBucketsPerPage ?? limit);
  const start = fromCursor(page);
  const data = all.slice(start, start + per);
  const more = start + per < all.length;
  return { data, has_more: more, next_page: more ? cursor(start + per) : null };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function takeFault(fake: { faults: Fault[] }, res: ServerResponse, errorBody: (status: number) => unknown): boolean {
  const fault = fake.faults.shift();
  if (!fault) return false;
  json(res, fault.status, errorBody(fault.status), fault.retryAfter !== undefined ? { "retry-after": fault.retryAfter } : {});
  return true;
}

function count(hits: Map<string, number>, path: string): void {
  hits.set(path, (hits.get(path) ?? 0) + 1);
}

/** OpenAI's admin usage and costs API. */
export async function startFakeOpenAiOrg(options: FakeOrgOptions): Promise<FakeOrgReports> {
  const events: UsageEvent[] = [];
  const faults: Fault[] = [];
  const hits = new Map<string, number>();
  const fields: Record<string, (e: UsageEvent) => unknown> = {
    model: (e) => e.model,
    project_id: (e) => e.projectId ?? "proj_default",
    api_key_id: (e) => e.apiKeyId,
    batch: (e) => e.batch ?? false,
    service_tier: (e) => e.serviceTier ?? "default",
    line_item: () => null,
  };
  const respond = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake");
    count(hits, url.pathname);
    if (req.headers.authorization !== `Bearer ${options.adminKey}`) {
      return json(res, 401, {
        error: { message: "Incorrect API key provided.", type: "invalid_request_error", param: null, code: "invalid_api_key" },
      });
    }
    if (
      takeFault({ faults }, res, (s) => ({
        error: {
          message: s === 429 ? "Rate limit reached" : "The server had an error",
          type: s === 429 ? "requests" : "server_error",
          param: null,
          code: null,
        },
      }))
    )
      return;
    const q = url.searchParams;
    const from = Number(q.get("start_time")) * 1000;
    const to = q.has("end_time") ? Number(q.get("end_time")) * 1000 : Date.now();
    const width = q.get("bucket_width") ?? "1d";
    const groupBy = [...q.getAll("group_by"), ...q.getAll("group_by[]")];
    const limit = Number(q.get("limit") ?? (width === "1d" ? 7 : width === "1h" ? 24 : 60));
    const report = url.pathname.replace("/v1/organization/usage/", "");
    const starts = buckets(from, to, width);
    if (url.pathname === "/v1/organization/costs") {
      const data = starts.map((start) => {
        const lines = new Map<string, { project: string | null; item: string | null; amount: Decimal }>();
        for (const e of events) {
          if (e.time.getTime() < start || e.time.getTime() >= start + WIDTH_MS[width]!) continue;
          const price = options.prices[e.model];
          if (!price) continue;
          const cached = e.cachedInputTokens ?? 0;
          const parts: Array<[string, Decimal]> = [
            ["input", perMTok(e.inputTokens - cached, price.input)],
            ["cached input", perMTok(cached, price.cachedInput)],
            ["output", perMTok(e.outputTokens, price.output)],
          ];
          for (const [kind, amount] of parts) {
            if (amount.units === 0n) continue;
            const project = groupBy.includes("project_id") ? (e.projectId ?? "proj_default") : null;
            const item = groupBy.includes("line_item") ? `${e.model}, ${kind}` : null;
            const k = JSON.stringify([project, item]);
            const line = lines.get(k) ?? { project, item, amount: ZERO };
            line.amount = add(line.amount, amount);
            lines.set(k, line);
          }
        }
        const results = [...lines.values()].map((l) => ({
          object: "organization.costs.result",
          amount: { value: Number(formatDecimal(normalize(l.amount))), currency: "usd" },
          line_item: l.item,
          project_id: l.project,
          organization_id: "org-fake",
        }));
        return { object: "bucket", start_time: start / 1000, end_time: (start + WIDTH_MS[width]!) / 1000, results };
      });
      return json(res, 200, { object: "page", ...paged(data, Math.min(limit, 180), q.get("page"), options) });
    }
    if (report !== "completions" && report !== "embeddings")
      return json(res, 404, {
        error: { message: `Invalid URL (GET ${url.pathname})`, type: "invalid_request_error", param: null, code: null },
      });
    const data = starts.map((start) => {
      const groups = new Map<string, UsageEvent[]>();
      for (const e of events) {
        if ((e.report ?? "completions") !== report || e.time.getTime() < start || e.time.getTime() >= start + WIDTH_MS[width]!) continue;
        const k = groupKey(e, groupBy, fields);
        groups.set(k, [...(groups.get(k) ?? []), e]);
      }
      const results = [...groups.values()].map((list) => {
        const first = list[0]!;
        const sum = (f: (e: UsageEvent) => number | undefined) => list.reduce((a, e) => a + (f(e) ?? 0), 0);
        const dims = Object.fromEntries(
          ["project_id", "user_id", "api_key_id", "model", "batch", "service_tier"].map((g) => [
            g,
            groupBy.includes(g) ? (fields[g]?.(first) ?? null) : null,
          ]),
        );
        return report === "embeddings"
          ? {
              object: "organization.usage.embeddings.result",
              input_tokens: sum((e) => e.inputTokens),
              num_model_requests: sum((e) => e.requests ?? 1),
              ...dims,
            }
          : {
              object: "organization.usage.completions.result",
              input_tokens: sum((e) => e.inputTokens),
              output_tokens: sum((e) => e.outputTokens),
              input_cached_tokens: sum((e) => e.cachedInputTokens),
              input_audio_tokens: sum((e) => e.inputAudioTokens),
              output_audio_tokens: sum((e) => e.outputAudioTokens),
              num_model_requests: sum((e) => e.requests ?? 1),
              ...dims,
            };
      });
      return { object: "bucket", start_time: start / 1000, end_time: (start + WIDTH_MS[width]!) / 1000, results };
    });
    return json(res, 200, { object: "page", ...paged(data, limit, q.get("page"), options) });
  };
  const server = await startFakeServer(respond);
  return Object.assign(server, { events, faults, hits });
}

/** Anthropic's Admin API usage and cost report. */
export async function startFakeAnthropicOrg(options: FakeOrgOptions): Promise<FakeOrgReports> {
  const events: UsageEvent[] = [];
  const faults: Fault[] = [];
  const hits = new Map<string, number>();
  const fields: Record<string, (e: UsageEvent) => unknown> = {
    model: (e) => e.model,
    api_key_id: (e) => e.apiKeyId,
    workspace_id: (e) => e.workspaceId ?? null,
    service_tier: (e) => e.serviceTier ?? "standard",
    context_window: () => "0-200k",
  };
  const errorBody = (status: number) => ({
    type: "error",
    error:
      status === 429
        ? { type: "rate_limit_error", message: "Rate limited" }
        : status === 529
          ? { type: "overloaded_error", message: "Overloaded" }
          : { type: "api_error", message: "Internal server error" },
  });
  const respond = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake");
    count(hits, url.pathname);
    if (req.headers["x-api-key"] !== options.adminKey || !req.headers["anthropic-version"]) {
      return json(res, 401, { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } });
    }
    if (takeFault({ faults }, res, errorBody)) return;
    const q = url.searchParams;
    const from = Date.parse(q.get("starting_at") ?? "");
    const to = q.has("ending_at") ? Date.parse(q.get("ending_at")!) : Date.now();
    const width = url.pathname.endsWith("/cost_report") ? "1d" : (q.get("bucket_width") ?? "1d");
    const groupBy = q.getAll("group_by[]");
    const limit = Number(q.get("limit") ?? (width === "1d" ? 7 : width === "1h" ? 24 : 60));
    const inBucket = (e: UsageEvent, start: number) => e.time.getTime() >= start && e.time.getTime() < start + WIDTH_MS[width]!;
    const bucket = (start: number, results: unknown[]) => ({
      starting_at: new Date(start).toISOString().replace(".000Z", "Z"),
      ending_at: new Date(start + WIDTH_MS[width]!).toISOString().replace(".000Z", "Z"),
      results,
    });
    if (url.pathname === "/v1/organizations/cost_report") {
      const byDescription = groupBy.includes("description");
      const data = buckets(from, to, width).map((start) => {
        const lines = new Map<string, { e: UsageEvent; tokenType: string | null; costType: string; cents: Decimal }>();
        for (const e of events) {
          if (!inBucket(e, start)) continue;
          const price = options.prices[e.model];
          if (!price) continue;
          const parts: Array<[string, string, Decimal]> = [
            ["tokens", "uncached_input_tokens", perMTok(e.inputTokens, price.input)],
            ["tokens", "cache_read_input_tokens", perMTok(e.cachedInputTokens ?? 0, price.cachedInput)],
            ["tokens", "cache_creation.ephemeral_5m_input_tokens", perMTok(e.cacheWrite5mTokens ?? 0, price.cacheWrite5m)],
            ["tokens", "cache_creation.ephemeral_1h_input_tokens", perMTok(e.cacheWrite1hTokens ?? 0, price.cacheWrite1h)],
            ["tokens", "output_tokens", perMTok(e.outputTokens, price.output)],
            ["web_search", "", multiplyByInteger(parseDecimal(price.webSearch ?? "0"), e.webSearchRequests ?? 0)],
          ];
          for (const [costType, tokenType, usd] of parts) {
            if (usd.units === 0n) continue;
            const k = JSON.stringify([
              groupBy.includes("workspace_id") ? (e.workspaceId ?? null) : null,
              byDescription ? [e.model, costType, tokenType] : null,
            ]);
            const line = lines.get(k) ?? { e, tokenType: tokenType || null, costType, cents: ZERO };
            line.cents = add(line.cents, multiplyByInteger(usd, 100));
            lines.set(k, line);
          }
        }
        const results = [...lines.values()].map((l) => ({
          currency: "USD",
          amount: formatDecimal(normalize(l.cents)),
          workspace_id: groupBy.includes("workspace_id") ? (l.e.workspaceId ?? null) : null,
          description: byDescription ? (l.costType === "web_search" ? "Web Search" : `${l.e.model} ${l.tokenType}`) : null,
          cost_type: byDescription ? l.costType : null,
          context_window: byDescription && l.costType === "tokens" ? "0-200k" : null,
          model: byDescription && l.costType === "tokens" ? l.e.model : null,
          service_tier: byDescription && l.costType === "tokens" ? (l.e.serviceTier ?? "standard") : null,
          token_type: byDescription ? l.tokenType : null,
        }));
        return bucket(start, results);
      });
      return json(res, 200, paged(data, Math.min(limit, 31), q.get("page"), options));
    }
    if (url.pathname !== "/v1/organizations/usage_report/messages")
      return json(res, 404, { type: "error", error: { type: "not_found_error", message: "Not found" } });
    const data = buckets(from, to, width).map((start) => {
      const groups = new Map<string, UsageEvent[]>();
      for (const e of events) {
        if (!inBucket(e, start)) continue;
        const k = groupKey(e, groupBy, fields);
        groups.set(k, [...(groups.get(k) ?? []), e]);
      }
      const results = [...groups.values()].map((list) => {
        const first = list[0]!;
        const sum = (f: (e: UsageEvent) => number | undefined) => list.reduce((a, e) => a + (f(e) ?? 0), 0);
        const dims = Object.fromEntries(
          ["api_key_id", "workspace_id", "model", "service_tier", "context_window"].map((g) => [
            g,
            groupBy.includes(g) ? (fields[g]?.(first) ?? null) : null,
          ]),
        );
        return {
          uncached_input_tokens: sum((e) => e.inputTokens),
          cache_read_input_tokens: sum((e) => e.cachedInputTokens),
          cache_creation: {
            ephemeral_1h_input_tokens: sum((e) => e.cacheWrite1hTokens),
            ephemeral_5m_input_tokens: sum((e) => e.cacheWrite5mTokens),
          },
          output_tokens: sum((e) => e.outputTokens),
          server_tool_use: { web_search_requests: sum((e) => e.webSearchRequests) },
          ...dims,
        };
      });
      return bucket(start, results);
    });
    return json(res, 200, paged(data, limit, q.get("page"), options));
  };
  const server = await startFakeServer(respond);
  return Object.assign(server, { events, faults, hits });
}

// The reporting API client: types mirror docs/api.md; every request is relative and same-origin, so the
// admin cookie set by /api/login rides along. A 401 tells the listeners (the app shows the login form).
import type { ChartInterval, Interval } from "./lib/buckets.ts";
import type { FilterKey, GroupBy } from "./lib/url-state.ts";

export type Outcome =
  | "ok" | "upstream_error" | "bad_request" | "rate_limited" | "network_error" | "timeout"
  | "client_cancelled" | "budget_blocked" | "auth_failed" | "proxy_error";

export const OUTCOMES: readonly Outcome[] = [
  "ok", "upstream_error", "bad_request", "rate_limited", "network_error", "timeout",
  "client_cancelled", "budget_blocked", "auth_failed", "proxy_error",
];

export interface Call {
  id: string; startedAt: string; provider: string; endpoint: string;
  model: string | null; responseModel: string | null; deployment: string | null;
  app: string; user: string | null; properties: Record<string, string> | null; keyId: string | null;
  stream: boolean; status: number; outcome: Outcome | string;
  errorType: string | null; errorMessage: string | null; errorBody: string | null;
  upstreamRequestId: string | null; serviceTier: string | null;
  inputTokens: number; cachedInputTokens: number; cacheWriteTokens: number;
  outputTokens: number; reasoningTokens: number; usageSource: "reported" | "estimated" | "none" | string;
  /** the provider reported implausible usage, recorded clamped */
  usageClamped?: boolean;
  costUsd: string | null; priceId: string | null; priced: boolean;
  /** per-request and tool fees (web searches, grounding…); count/usd null when unknown; feesUsd is part of costUsd */
  fees?: Array<{ kind: string; count: number | null; usd: string | null }> | null; feesUsd?: string | null;
  latencyMs: number; ttftMs: number | null; overheadMs: number;
  requestBytes: number; responseBytes: number;
}

export interface Price {
  id: string; provider: string; model: string; matchType: string; serviceTier: string | null;
  effectiveFrom: string; inputUsdPerMTok: string; cachedInputUsdPerMTok: string | null;
  cacheWriteUsdPerMTok: string | null; cacheWrite1hUsdPerMTok: string | null; outputUsdPerMTok: string;
  tiers: unknown; source: string;
}
export type NewPrice = Omit<Price, "id" | "source">;

export interface CallDetail extends Call {
  price: Price | null;
  sessionId?: string | null; traceId?: string | null; parentSpanId?: string | null;
  /** stored bodies (TOLLGATE_LOG_BODIES), secrets redacted; a stream's response is its assembled JSON */
  requestBody?: string | null; responseBody?: string | null;
  request?: { method: string; path: string; query: string | null; headers: Record<string, string> | null } | null;
  requestTruncated?: boolean; responseTruncated?: boolean; responseAssembled?: boolean;
}

/** GET /api/sessions rows: the calls sharing an x-tollgate-session (or a trace id). Money and token sums are strings. */
export interface Session {
  id: string; calls: number; errors: number; costUsd: string; inputTokens: string; outputTokens: string;
  durationMs: number; firstCallAt: string; lastCallAt: string; apps: string[];
}
export interface SessionsPage { sessions: Session[]; nextCursor: string | null }
export interface SessionCall {
  id: string; startedAt: string; offsetMs: number; latencyMs: number; ttftMs: number | null; costUsd: string | null;
  provider: string; endpoint: string; model: string | null; app: string; outcome: string; status: number; stream: boolean;
  inputTokens: number; outputTokens: number; traceId: string | null; parentSpanId: string | null;
}
export interface SessionDetail { session: Session; calls: SessionCall[] }
export interface CallsPage { calls: Call[]; nextCursor: string | null }

export interface TokenTotals {
  inputTokens: number; cachedInputTokens: number; cacheWriteTokens: number;
  outputTokens: number; reasoningTokens: number;
}
export interface SpendFigures extends TokenTotals { costUsd: string; feesUsd?: string; calls: number; unpricedCalls: number }
export interface Coverage { from: string; to: string }
export interface SpendGroup extends SpendFigures { key: string; keys?: Record<string, string>; previous?: SpendFigures }
export interface SpendResponse {
  from: string; to: string; interval: Interval; groupBy: GroupBy; dimensions?: string[];
  totals: SpendFigures & { previous?: SpendFigures };
  groups: SpendGroup[];
  series: Array<SpendFigures & { bucket: string; group: string; keys?: Record<string, string> }>;
  /** the part of the range holding data (null: none) */
  coverage?: Coverage | null;
  /** with compare=previous: the period compared with; comparable is false when either is partly covered */
  compare?: { from: string; to: string; coverage: Coverage | null; comparable: boolean };
}

export interface StatementLine extends TokenTotals {
  provider: string; model: string; calls: number; unpricedCalls: number; cacheWrite1hTokens: number;
  costUsd: string; priceIds: string[];
}
export interface ClosedPeriod { month: string; closedAt: string; closedBy: string; reason: string | null; costUsd: string; calls: number }
export interface StatementResponse {
  month: string; from: string; to: string;
  scope: { app?: string; property?: { name: string; value: string } };
  lines: StatementLine[];
  totals: Omit<StatementLine, "provider" | "model" | "priceIds">;
  prices: Price[];
  closed: ClosedPeriod | null;
}
export interface AuditEntry { id: string; at: string; actor: string; action: string; subject: string; detail: unknown }
export interface AuditResponse { entries: AuditEntry[]; next: string | null }
export interface PeriodsResponse { closed: ClosedPeriod[] }

export interface FailureFigures { calls: number; failures: number; errorRate: number; byOutcome: Record<string, number> }
export interface TopError {
  provider: string; app: string; model: string | null; status: number | null;
  outcome: string; errorType: string | null; errorMessage: string | null;
  count: number; lastSeen: string; lastCallId: string;
}
export interface FailuresResponse {
  from: string; to: string; interval: ChartInterval; groupBy: GroupBy;
  totals: FailureFigures;
  groups: Array<FailureFigures & { key: string }>;
  series: Array<FailureFigures & { bucket: string; group: string }>;
  topErrors: TopError[];
}

export interface Percentiles { p50: number | null; p90: number | null; p95: number | null; p99: number | null }
export interface LatencyFigures { calls: number; latencyMs: Percentiles; ttftMs: Percentiles }
export interface SlowCall {
  id: string; startedAt: string; provider: string; model: string | null; app: string;
  outcome: string; latencyMs: number; ttftMs: number | null;
}
export interface LatencyResponse {
  from: string; to: string; interval: Interval; groupBy: GroupBy;
  totals: LatencyFigures;
  groups: Array<LatencyFigures & { key: string }>;
  series: Array<LatencyFigures & { bucket: string; group: string }>;
  slowest: SlowCall[];
}

/** GET /api/latency/streams: TTFT of streamed vs non-streamed calls, tokens per second of successful streams. */
export interface StreamFigures {
  streamed: { calls: number; ttftMs: Percentiles };
  nonStreamed: { calls: number; ttftMs: Percentiles };
  generationCalls: number; outputTokens: number; generationMs: number;
  /** outputTokens / (generationMs / 1000): output tokens over generation time (latency − TTFT) */
  tokensPerSecond: number | null;
}
export interface StreamsResponse { from: string; to: string; groupBy: string; outcome: string; totals: StreamFigures; groups: Array<StreamFigures & { key: string }> }

export interface UnpricedModel { provider: string; model: string; calls: number; lastSeen: string }
/** A page of the price table (search matches "provider model"); total counts every matching row. */
export interface PricesResponse { unpriced: UnpricedModel[]; prices: Price[]; total: number; offset: number; limit: number; nextOffset: number | null }

export function pricesPath(search: string, offset: number, limit: number): string {
  const p = new URLSearchParams({ limit: String(limit) });
  if (offset > 0) p.set("offset", String(offset));
  if (search) p.set("search", search);
  return `/api/prices?${p.toString()}`;
}

/** GET /api/budgets: every budget with its period-to-date ledger (docs/access.md). Money is decimal strings. */
export type BudgetAction = "block" | "alert";
export type BudgetPeriod = "month" | "week" | "day";
export interface Budget {
  id: string; app: string; keyId: string | null; monthlyUsd: string; action: BudgetAction | string; month: string;
  spentUsd: string; reservedUsd: string; remainingUsd: string;
  /** the limit per period (monthlyUsd is its older name, same value) */
  limitUsd?: string;
  period?: BudgetPeriod | string;
  /** "2026-12", "2026-W50", "2026-12-07" */
  periodKey?: string;
  periodStart?: string;
  periodEnd?: string;
  /** projected spend at the period's end (trailing 7-day run rate × time left) */
  forecastUsd?: string;
  runRateUsdPerDay?: string;
  /** UTC date the projection reaches the limit; null: on track */
  forecastExceedsOn?: string | null;
  forecastExceedsByUsd?: string | null;
  /** calls to models without a price: "allow" (let through) or "block" (refused) */
  unpriced?: "allow" | "block" | string;
  /** calls this month that used tokens but matched no price: not in spentUsd */
  unpricedCalls?: number;
}
export interface BudgetsResponse { month: string; budgets: Budget[] }
export interface BudgetInput { limitUsd: string; period: BudgetPeriod; action: BudgetAction; keyId?: string }

/** GET /api/budget-webhooks (URLs by origin only) and GET /api/budget-notices: notices and every delivery attempt. */
export interface BudgetWebhook { name: string; url: string; format: "json" | "slack" | string }
export interface BudgetNoticeDelivery { webhook: string; status: "pending" | "delivered" | "failed" | string; attempts: number; deliveredAt: string | null; nextAttemptAt: string }
export interface BudgetNotice {
  budgetId: string; app: string; period: string; kind: "50" | "80" | "100" | "forecast" | string;
  limitUsd: string; spentUsd: string; forecastUsd: string | null; createdAt: string; deliveries: BudgetNoticeDelivery[];
}
export interface BudgetNoticeAttempt {
  id: string; budgetId: string; period: string; kind: string; webhook: string; attempt: number;
  statusCode: number | null; error: string | null; durationMs: number; at: string;
}
export interface BudgetNoticesResponse { notices: BudgetNotice[]; attempts: BudgetNoticeAttempt[] }

/** GET /api/forecast?groupBy=app: each app's period so far and its projection at the period's end. */
export interface ForecastGroup { key: string; spentUsd: string; trailingUsd: string; runRateUsdPerDay: string; forecastUsd: string }
export interface ForecastResponse {
  groupBy: string; period: BudgetPeriod | string; periodKey: string; periodStart: string; periodEnd: string; now: string;
  windowStart: string; method: string;
  totals: Omit<ForecastGroup, "key">;
  groups: ForecastGroup[];
}

/** GET /api/keys lists prefixes only; the secret `key` comes once, in the answer to POST /api/keys. */
export interface VirtualKey {
  id: string; app: string; provider: string | null; prefix: string; status: "active" | "revoked" | "expired" | string;
  /** what the key may reach with the held provider key ("inference", "models", "files", …) */
  endpoints?: string[];
  createdAt: string; expiresAt: string | null; revokedAt: string | null; lastUsedAt: string | null;
}
export interface KeysResponse { keys: VirtualKey[] }
export interface NewKey { app: string; provider?: string; expiresAt?: string; endpoints?: string[] }
export interface CreatedKey { id: string; key: string; app: string; provider: string | null; prefix: string; createdAt: string; expiresAt: string | null }

export class ApiError extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
    this.name = "ApiError";
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Subscribes to "the API answered 401"; returns the unsubscribe function. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

async function toError(res: Response): Promise<ApiError> {
  let type = "http_error";
  let message = `${res.status} ${res.statusText}`.trim();
  try {
    const body = (await res.json()) as { error?: { type?: string; message?: string } };
    if (body.error?.type) type = body.error.type;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, type, message);
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, {
    ...init,
    credentials: "same-origin",
    headers: { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}), ...init.headers },
  });
  if (res.status === 401 && path !== "/api/login") {
    for (const l of [...unauthorizedListeners]) l();
  }
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>(path, { signal });
}

/** Signs in with the admin token; the server sets an HttpOnly cookie. Throws ApiError (401) on a wrong token. */
export async function login(token: string): Promise<void> {
  await request<void>("/api/login", { method: "POST", body: JSON.stringify({ token }) });
}

export function createPrice(price: NewPrice): Promise<Price> {
  return request<Price>("/api/prices", { method: "POST", body: JSON.stringify(price) });
}

export function putBudget(app: string, input: BudgetInput): Promise<Budget> {
  return request<Budget>(`/api/budgets/${encodeURIComponent(app)}`, { method: "PUT", body: JSON.stringify(input) });
}

export function deleteBudget(app: string, keyId: string | null): Promise<void> {
  const query = keyId ? `?keyId=${encodeURIComponent(keyId)}` : "";
  return request<void>(`/api/budgets/${encodeURIComponent(app)}${query}`, { method: "DELETE" });
}

export function closePeriod(month: string, reason: string): Promise<ClosedPeriod> {
  return request<ClosedPeriod>(`/api/periods/${encodeURIComponent(month)}/close`, { method: "POST", body: JSON.stringify(reason ? { reason } : {}) });
}

export function reopenPeriod(month: string, reason: string): Promise<unknown> {
  return request<unknown>(`/api/periods/${encodeURIComponent(month)}/reopen`, { method: "POST", body: JSON.stringify({ reason }) });
}

/** "/api/statement?month=…" for an app or a property ("name=value"); `csv` for the file. */
export function statementPath(month: string, scope: { app?: string | null; prop?: string | null }, csv = false): string {
  const p = new URLSearchParams({ month });
  if (scope.app) p.set("app", scope.app);
  if (scope.prop) {
    const eq = scope.prop.indexOf("=");
    p.set(`property.${scope.prop.slice(0, eq)}`, scope.prop.slice(eq + 1));
  }
  return `/api/statement${csv ? ".csv" : ""}?${p.toString()}`;
}

export function createKey(input: NewKey): Promise<CreatedKey> {
  return request<CreatedKey>("/api/keys", { method: "POST", body: JSON.stringify(input) });
}

export function revokeKey(id: string): Promise<void> {
  return request<void>(`/api/keys/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export interface ReportQuery {
  from: string; to: string; interval?: ChartInterval; groupBy?: GroupBy;
  filters?: Partial<Record<FilterKey, string | null>>;
  /** a property filter, "name=value" */
  prop?: string | null;
  compare?: "previous";
}

/** Builds "/api/<name>?from=…&to=…" with only the parameters that are set. */
export function reportPath(name: string, q: ReportQuery & { limit?: number; cursor?: string | null; extra?: Record<string, string | null | undefined> }): string {
  const p = new URLSearchParams({ from: q.from, to: q.to });
  if (q.groupBy) p.set("groupBy", q.groupBy);
  if (q.interval) p.set("interval", q.interval);
  for (const [k, v] of Object.entries(q.filters ?? {})) if (v) p.set(k, v);
  if (q.prop) p.set(`property.${q.prop.slice(0, q.prop.indexOf("="))}`, q.prop.slice(q.prop.indexOf("=") + 1));
  if (q.compare) p.set("compare", q.compare);
  if (q.limit !== undefined) p.set("limit", String(q.limit));
  if (q.cursor) p.set("cursor", q.cursor);
  for (const [k, v] of Object.entries(q.extra ?? {})) if (v) p.set(k, v);
  return `/api/${name}?${p.toString()}`;
}

export type SuggestField = "provider" | "app" | "model" | "user" | "property" | "propertyValue";
export interface SuggestResponse { field: SuggestField; source: "rollups" | "recent calls"; values: Array<{ value: string; calls: number }> }

/** "/api/suggest?field=model&prefix=gp": known values starting with the prefix. */
export function suggestPath(field: SuggestField, prefix: string, name?: string): string {
  const p = new URLSearchParams({ field, prefix });
  if (name) p.set("name", name);
  return `/api/suggest?${p.toString()}`;
}

export function sessionsPath(q: { from: string; to: string; app?: string | null; cursor?: string | null }): string {
  const p = new URLSearchParams({ from: q.from, to: q.to });
  if (q.app) p.set("app", q.app);
  if (q.cursor) p.set("cursor", q.cursor);
  return `/api/sessions?${p.toString()}`;
}

export function sessionPath(id: string): string {
  return `/api/sessions/${encodeURIComponent(id)}`;
}

export function callPath(id: string): string {
  return `/api/calls/${encodeURIComponent(id)}`;
}

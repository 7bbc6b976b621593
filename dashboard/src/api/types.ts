// The API's response types. Those the server declares come from its contract module, type-only (no
// server code reaches the bundle); the rest are declared here until their routers export them.

export type {
  Call,
  CallDetail,
  CallPrice,
  CallsPage,
  FailuresReport as FailuresResponse,
  LatencyReport as LatencyResponse,
  MatchType,
  Outcome,
  Price,
  PriceTier,
  PricesResponse,
  SessionCall,
  SessionDetail,
  SessionsPage,
  SpendFigures,
  SpendGroup,
  SpendResponse,
  StreamsResponse,
  SuggestField,
  SuggestResponse,
  TopError,
} from "../../../server/src/api/contract.ts";
import type { Price } from "../../../server/src/api/contract.ts";

/** A manual price row as POST /api/prices takes it. */
type OptionalPriceFields = "tiers" | "inputAudioUsdPerMTok" | "outputAudioUsdPerMTok" | "dailyStartUtc" | "dailyEndUtc";
export type NewPrice = Omit<Price, "id" | "source" | OptionalPriceFields> & Partial<Pick<Price, OptionalPriceFields>>;

export interface TokenTotals {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

export interface StatementLine extends TokenTotals {
  provider: string;
  model: string;
  calls: number;
  unpricedCalls: number;
  cacheWrite1hTokens: number;
  costUsd: string;
  priceIds: string[];
}
export interface ClosedPeriod {
  month: string;
  closedAt: string;
  closedBy: string;
  reason: string | null;
  costUsd: string;
  calls: number;
}
export interface StatementResponse {
  month: string;
  from: string;
  to: string;
  scope: { app?: string; property?: { name: string; value: string } };
  lines: StatementLine[];
  totals: Omit<StatementLine, "provider" | "model" | "priceIds">;
  prices: Price[];
  closed: ClosedPeriod | null;
}
export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail: unknown;
}
export interface AuditResponse {
  entries: AuditEntry[];
  next: string | null;
}
export interface PeriodsResponse {
  closed: ClosedPeriod[];
}

/** GET /api/budgets: every budget with its period-to-date ledger (docs/access.md). Money is decimal strings. */
export type BudgetAction = "block" | "alert";
export type BudgetPeriod = "month" | "week" | "day";
export interface Budget {
  id: string;
  app: string;
  keyId: string | null;
  monthlyUsd: string;
  action: BudgetAction | string;
  month: string;
  spentUsd: string;
  reservedUsd: string;
  remainingUsd: string;
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
export interface BudgetsResponse {
  month: string;
  budgets: Budget[];
}
export interface BudgetInput {
  limitUsd: string;
  period: BudgetPeriod;
  action: BudgetAction;
  keyId?: string;
}

/** GET /api/budget-webhooks (URLs by origin only) and GET /api/budget-notices: notices and every delivery attempt. */
export interface BudgetWebhook {
  name: string;
  url: string;
  format: "json" | "slack" | string;
}
export interface BudgetNoticeDelivery {
  webhook: string;
  status: "pending" | "delivered" | "failed" | string;
  attempts: number;
  deliveredAt: string | null;
  nextAttemptAt: string;
}
export interface BudgetNotice {
  budgetId: string;
  app: string;
  period: string;
  kind: "50" | "80" | "100" | "forecast" | string;
  limitUsd: string;
  spentUsd: string;
  forecastUsd: string | null;
  createdAt: string;
  deliveries: BudgetNoticeDelivery[];
}
export interface BudgetNoticeAttempt {
  id: string;
  budgetId: string;
  period: string;
  kind: string;
  webhook: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  at: string;
}
export interface BudgetNoticesResponse {
  notices: BudgetNotice[];
  attempts: BudgetNoticeAttempt[];
}

/** GET /api/forecast?groupBy=app: each app's period so far and its projection at the period's end. */
export interface ForecastGroup {
  key: string;
  spentUsd: string;
  trailingUsd: string;
  runRateUsdPerDay: string;
  forecastUsd: string;
}
export interface ForecastResponse {
  groupBy: string;
  period: BudgetPeriod | string;
  periodKey: string;
  periodStart: string;
  periodEnd: string;
  now: string;
  windowStart: string;
  method: string;
  totals: Omit<ForecastGroup, "key">;
  groups: ForecastGroup[];
}

/** GET /api/keys lists prefixes only; the secret `key` comes once, in the answer to POST /api/keys. */
export interface VirtualKey {
  id: string;
  app: string;
  provider: string | null;
  prefix: string;
  status: "active" | "revoked" | "expired" | string;
  /** what the key may reach with the held provider key ("inference", "models", "files", …) */
  endpoints?: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}
export interface KeysResponse {
  keys: VirtualKey[];
}
export interface NewKey {
  app: string;
  provider?: string;
  expiresAt?: string;
  endpoints?: string[];
}
export interface CreatedKey {
  id: string;
  key: string;
  app: string;
  provider: string | null;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
}

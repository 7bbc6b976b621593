// The reporting API's response bodies, as their JSON arrives: one module the routers type their answers
// with and the dashboard imports type-only (dashboard/src/api/types.ts), so the two cannot drift. Types
// only: nothing here runs, and importing it never pulls server code into the dashboard's bundle.
import type { z } from "zod";
import type { priceRowToJson } from "../pricing/price-row.ts";
import type { CallRow } from "../reports/call-rows.ts";
import type { SessionCall, SessionSummary } from "../reports/sessions.ts";
import type { Statement } from "../reports/statement.ts";
import type { PeriodJson } from "../books/periods.ts";
import type { AuditJson } from "../audit/audit-log.ts";
import type { BudgetWebhook } from "../access/budget-webhooks.ts";
import type { NoticeKind } from "../access/budget-notices.ts";
import type { keyJson, newKeySchema } from "../access/key-json.ts";
import type { BudgetPeriod } from "../domain/budget-period.ts";
import type { budgetJson, budgetPutSchema } from "./budgets.ts";
import type { ForecastGroup as ForecastGroupBy } from "../reports/forecast-source.ts";

/** What JSON.stringify makes of a value: Dates become ISO strings, the rest keeps its shape. */
export type Json<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends Date
    ? string
    : T extends ReadonlyArray<infer U>
      ? Json<U>[]
      : T extends object
        ? { [K in keyof T]: Json<T[K]> }
        : T;

export type { Outcome } from "../domain/call-record.ts";
export type { FailuresReport } from "../reports/failures.ts";
export type { LatencyReport } from "../reports/latency.ts";
export type { TopError } from "../reports/top-errors.ts";
export type { SpendFigures, SpendGroup } from "../reports/spend-report.ts";
export type { ComparedReport as SpendResponse } from "../reports/spend-compare.ts";
export type { SessionCall } from "../reports/sessions.ts";
export type { StreamsReport as StreamsResponse } from "../reports/latency-streams.ts";
export type { SuggestField, Suggestions as SuggestResponse } from "../reports/suggestions.ts";
export type { MatchType, PriceTier } from "../pricing/price-row.ts";
export type { BudgetAction } from "../access/budget-store.ts";
export type { BudgetPeriod };
export type { BudgetWebhook } from "../access/budget-webhooks.ts";
export type { Reconciliation as ReconciliationResponse } from "../reconciliation/report.ts";
export type { Measure, ReconciliationRow } from "../reconciliation/comparison.ts";
export type { ReportsSourceState } from "../db/reports-database.ts";

/** A price row as GET /api/prices sends it. */
export type Price = ReturnType<typeof priceRowToJson>;
/** The price a call's detail shows (its daily window is not read there). */
export type CallPrice = Omit<Price, "dailyStartUtc" | "dailyEndUtc">;

/** GET /api/prices: models seen without a price (most calls first), then the price rows. */
interface UnpricedModel {
  provider: string;
  model: string;
  calls: number;
  lastSeen: string;
}
export interface PricesResponse {
  unpriced: UnpricedModel[];
  /** one page of the table (search matches "provider model"); total counts every matching row */
  prices: Price[];
  total: number;
  offset: number;
  limit: number;
  nextOffset: number | null;
}

/** One row of GET /api/calls: a stored call (reports/call-rows.ts) as JSON. */
export type Call = Json<CallRow>;

/** GET /api/calls. */
export interface CallsPage {
  calls: Call[];
  nextCursor: string | null;
}

/** GET /api/calls/:id: the row, its stored request (for copy as curl) and the price it was charged at. */
export interface CallDetail extends Call {
  price: CallPrice | null;
  request?: { method: string; path: string; query: string | null; headers: Record<string, string> | null } | null;
  requestTruncated?: boolean;
  responseTruncated?: boolean;
  responseAssembled?: boolean;
}

/** GET /api/sessions and /api/sessions/:id. */
export interface SessionsPage {
  sessions: SessionSummary[];
  nextCursor: string | null;
}
export interface SessionDetail {
  session: SessionSummary;
  calls: SessionCall[];
}

/** A closed month with its totals at closing (GET /api/periods; a statement's `closed`). */
export type ClosedPeriod = PeriodJson;
export interface PeriodsResponse {
  closed: ClosedPeriod[];
}

/** GET /api/statement: the month's lines and totals for an app or team, with the month's close record. */
export type StatementResponse = Json<Statement> & { closed: ClosedPeriod | null };

/** GET /api/audit: newest first; `next` is the id to pass as ?before= for the next page. */
export type AuditEntry = AuditJson;
export interface AuditResponse {
  entries: AuditEntry[];
  next: string | null;
}

/** GET /api/budgets: every budget with its period-to-date ledger and forecast (docs/access.md). Money is decimal strings. */
export type Budget = ReturnType<typeof budgetJson>;
export interface BudgetsResponse {
  month: string;
  budgets: Budget[];
}
/** PUT /api/budgets/:app */
export type BudgetInput = z.input<typeof budgetPutSchema>;

/** GET /api/budget-webhooks: URLs by origin only (an incoming-webhook URL holds a secret). */
export interface BudgetWebhooksResponse {
  webhooks: BudgetWebhook[];
}
/** GET /api/budget-notices: the latest notices with their deliveries, and the latest delivery attempts. */
export interface BudgetNoticeDelivery {
  webhook: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  deliveredAt: string | null;
  nextAttemptAt: string;
}
export interface BudgetNotice {
  budgetId: string;
  app: string;
  period: string;
  kind: NoticeKind;
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
  kind: NoticeKind;
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

/** GET /api/forecast: per group, the period so far and its projection at the period's end. */
export interface ForecastGroup {
  key: string;
  spentUsd: string;
  trailingUsd: string;
  runRateUsdPerDay: string;
  forecastUsd: string;
}
export interface ForecastResponse {
  groupBy: ForecastGroupBy;
  period: BudgetPeriod;
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
export type VirtualKey = ReturnType<typeof keyJson>;
export interface KeysResponse {
  keys: VirtualKey[];
}
/** POST /api/keys */
export type NewKey = z.input<typeof newKeySchema>;
export type CreatedKey = Pick<VirtualKey, "id" | "app" | "provider" | "prefix" | "endpoints" | "createdAt" | "expiresAt"> & { key: string };

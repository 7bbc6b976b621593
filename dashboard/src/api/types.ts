// The API's request and response types, from the server's contract module, type-only (no server code
// reaches the bundle): the routers type their answers with the same declarations, so the two cannot drift.

export type {
  AuditResponse,
  Budget,
  BudgetAction,
  BudgetInput,
  BudgetNotice,
  BudgetNoticesResponse,
  BudgetPeriod,
  BudgetsResponse,
  BudgetWebhooksResponse,
  Call,
  CallDetail,
  CallPrice,
  CallsPage,
  ClosedPeriod,
  CreatedKey,
  FailuresReport as FailuresResponse,
  ForecastResponse,
  KeysResponse,
  LatencyReport as LatencyResponse,
  Measure,
  MatchType,
  NewKey,
  Outcome,
  PeriodsResponse,
  Price,
  PriceTier,
  PricesResponse,
  ReconciliationResponse,
  ReconciliationRow,
  ReportsSourceState,
  SessionCall,
  SessionDetail,
  SessionsPage,
  SpendFigures,
  SpendGroup,
  SpendResponse,
  StatementResponse,
  StreamsResponse,
  SuggestField,
  SuggestResponse,
  TopError,
  VirtualKey,
} from "../../../server/src/api/contract.ts";
import type { Price } from "../../../server/src/api/contract.ts";

/** A manual price row as POST /api/prices takes it. */
type OptionalPriceFields = "tiers" | "inputAudioUsdPerMTok" | "outputAudioUsdPerMTok" | "dailyStartUtc" | "dailyEndUtc";
export type NewPrice = Omit<Price, "id" | "source" | OptionalPriceFields> & Partial<Pick<Price, OptionalPriceFields>>;

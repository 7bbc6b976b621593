import type { PriceInput } from "../pricing/price-row.ts";
import type { FeePriceInput } from "../pricing/fee-price-row.ts";
import type { BodyCaptureMode } from "./env-schema.ts";
import type { OtelConfig } from "./otel.ts";
import type { ProviderConfig } from "../providers/provider-config.ts";

// The typed configuration loadConfig (config.ts) builds once from the environment and TOLLGATE_CONFIG.

/** The built-in providers and their public API bases. */
export const BUILTIN_PROVIDERS = {
  openai: { baseUrl: "https://api.openai.com", format: "openai" },
  anthropic: { baseUrl: "https://api.anthropic.com", format: "anthropic" },
  gemini: { baseUrl: "https://generativelanguage.googleapis.com", format: "gemini" },
  mistral: { baseUrl: "https://api.mistral.ai", format: "mistral" },
  /** the region's endpoint (AWS_REGION, default us-east-1) replaces this one: see bedrockBaseUrl */
  bedrock: { baseUrl: "https://bedrock-runtime.us-east-1.amazonaws.com", format: "bedrock" },
} as const;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** a direct connection for migrations (their lock spans statements) when DATABASE_URL is a transaction pooler */
  migrationDatabaseUrl: string | undefined;
  /** a streaming replica the reporting API reads from; writes, budgets and keys stay on DATABASE_URL */
  reportsDatabaseUrl: string | undefined;
  /** how often the replica's reachability and lag are checked */
  reportsCheckMs: number;
  adminToken: string | undefined;
  metricsToken: string | undefined;
  providers: Map<string, ProviderConfig>;
  upstreamTimeoutMs: number;
  maxBodyBytes: number;
  dataDir: string;
  spoolDir: string;
  spoolMaxBytes: number;
  /** the call journal (spool dir) is fsync'd this often: what a machine crash may lose; a process crash loses nothing */
  spoolFsyncMs: number;
  /** time to receive a request's headers and body before a 408 (0: no limit); answers are not limited by it */
  requestTimeoutMs: number;
  /** open client connections beyond this are closed at once (0: no cap) */
  maxConnections: number;
  logBodies: BodyCaptureMode;
  /** each stored body is cut to this many bytes (UTF-8) */
  bodyMaxBytes: number;
  /** stored bodies older than this are deleted (whole monthly partitions dropped, the rest deleted daily) */
  bodyRetentionDays: number;
  /**
   * OpenTelemetry export of one span per call: the OTLP/HTTP traces URL (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
   * as given, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces), its headers; undefined when not configured
   */
  otel: OtelConfig;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  metrics: { maxApps: number; maxModels: number };
  /** writers: batches in flight at once, each its own transaction on its own pooled connection */
  recorder: { batchSize: number; flushMs: number; maxQueue: number; writers: number };
  shutdownGraceMs: number;
  /**
   * on SIGTERM, keep accepting calls this long with /readyz answering 503, so a load balancer takes the
   * replica out of rotation before it stops listening (0: stop accepting at once)
   */
  shutdownDelayMs: number;
  /** keep this many whole months of calls (the current one included); older monthly partitions are dropped daily. Unset: keep all */
  callsRetentionMonths: number | undefined;
  /**
   * load the tokenizer in its worker thread at start-up (kept loaded) rather than at the first estimate
   * (stopped again when idle); it costs ≈60–80 MB of RSS, so it is off unless asked for
   */
  tokenizerPreload: boolean;
  /** how far the V8 old generation may grow past its last live size before a full collection; 0 = V8's default */
  heapGrowthPercent: number;
  /** custom price rows and budgets from TOLLGATE_CONFIG, validated by their owners */
  extraPrices: PriceInput[];
  extraFeePrices: FeePriceInput[];
  budgets: Record<string, unknown>[];
  /** webhooks budget notices go to, from TOLLGATE_CONFIG `notifications.webhooks` */
  budgetWebhooks: Record<string, unknown>[];
  access: AccessConfig;
  reconcile: ReconcileConfig;
}

/** One provider's organisation reports (usage and cost) read with its admin key. */
export interface ReportSource {
  provider: "openai" | "anthropic";
  /** OPENAI_ADMIN_KEY / ANTHROPIC_ADMIN_KEY: never stored, logged or shown */
  adminKey: string;
  /** where the admin API lives: TOLLGATE_RECONCILE_<P>_URL, else the provider's (possibly overridden) base */
  baseUrl: string;
  /** the provider's id of the key Tollgate holds for virtual-key calls (api_key_id in its reports), if told */
  heldKeyId: string | undefined;
}

/** Reconciliation with the providers' own usage and cost reports. */
export interface ReconcileConfig {
  /** providers with an admin key set; empty: no fetch ever runs */
  sources: ReportSource[];
  /** how often the background fetch runs; 0: never (on demand only) */
  intervalMs: number;
  /** how many UTC days back (today included) each background fetch re-reads */
  lookbackDays: number;
  /** share of the provider's cost above which |drift| alerts (exported for the alert rule) */
  alertShare: number;
}

/** Admin sessions, virtual keys and budgets. */
export interface AccessConfig {
  /** TOLLGATE_KEY_PEPPER: the HMAC key for virtual-key hashes; unset → one generated and kept in `settings` */
  keyPepper: string | undefined;
  loginAttemptsPerMinute: number;
  /**
   * TOLLGATE_TRUST_PROXY: how many proxies in front of Tollgate (load balancers, reverse proxies) append to
   * X-Forwarded-For; the login limiter keys by the client address they report. 0: the socket's address only
   * (X-Forwarded-For is spoofable by any client, so it is never believed by default)
   */
  trustProxyHops: number;
  sessionHours: number;
  /** TOLLGATE_REQUIRE_VIRTUAL_KEY: every proxied call must carry a virtual key (401 otherwise) */
  requireVirtualKey: boolean;
  /** how often each replica reloads keys and budgets (revocations and budgets made elsewhere) */
  refreshMs: number;
  /** output tokens a budget reserves for a request that names no max_tokens */
  budgetDefaultMaxOutputTokens: number;
  /**
   * a budget reservation neither settled nor renewed for this long is given back (its replica died mid-call);
   * running calls are renewed every refreshMs, so this must be at least 3 × refreshMs
   */
  budgetHoldLeaseMs: number;
  /** how often each replica looks for budget notices to deliver */
  webhookPollMs: number;
  /** the first retry's delay after a failed delivery; doubled each attempt (capped at 32×) */
  webhookRetryBaseMs: number;
  /** how long one Google access token request (Vertex service accounts) may take before calls get a 503 */
  googleTokenTimeoutMs: number;
}

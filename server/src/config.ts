import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { priceInputSchema, type PriceInput } from "./pricing/price-row.ts";
import { feePriceInputSchema, type FeePriceInput } from "./pricing/fee-price-row.ts";
import { loadServiceAccount, type ServiceAccount } from "./access/service-account.ts";
import { configFormats } from "./providers/index.ts";

/** The built-in providers and their public API bases. */
export const BUILTIN_PROVIDERS = {
  openai: { baseUrl: "https://api.openai.com", format: "openai" },
  anthropic: { baseUrl: "https://api.anthropic.com", format: "anthropic" },
  gemini: { baseUrl: "https://generativelanguage.googleapis.com", format: "gemini" },
  mistral: { baseUrl: "https://api.mistral.ai", format: "mistral" },
  /** the region's endpoint (AWS_REGION, default us-east-1) replaces this one: see bedrockBaseUrl */
  bedrock: { baseUrl: "https://bedrock-runtime.us-east-1.amazonaws.com", format: "bedrock" },
} as const;

/** Where a SigV4-signed provider (Bedrock) is, and the AWS credentials Tollgate signs with; never logged. */
export interface AwsSettings {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
}

/** Which calls' request and response bodies are stored (call_bodies): none, failed calls only, or all. */
export type BodyCaptureMode = "off" | "errors" | "all";

export interface ProviderConfig {
  name: string;
  baseUrl: string;
  /** the wire format, i.e. which adapter meters it */
  format: string;
  /** provider name used to look up prices (defaults to name) */
  priceProvider: string;
  /** the provider key Tollgate holds for virtual-key calls */
  apiKey: string | undefined;
  /** the variable the held key comes from, named when it is missing */
  apiKeyEnv?: string;
  /** for SigV4 formats (bedrock): the signing region and the credentials held for virtual-key calls */
  aws?: AwsSettings;
  /**
   * Vertex AI: the service account virtual-key calls are authorised with (an OAuth access token minted from
   * it, `Authorization: Bearer …`) instead of an API key
   */
  serviceAccount?: ServiceAccount;
}

const boolish = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const int = (min: number) => z.coerce.number().int().min(min);

const envSchema = z.object({
  PORT: int(0).max(65535).default(8655),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  TOLLGATE_MIGRATION_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  TOLLGATE_REPORTS_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  TOLLGATE_REPORTS_CHECK_MS: int(100).default(2_000),
  TOLLGATE_ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  TOLLGATE_METRICS_TOKEN: z.string().min(1).optional(),
  TOLLGATE_CONFIG: z.string().min(1).optional(),
  TOLLGATE_UPSTREAM_TIMEOUT_MS: int(1).default(600_000),
  TOLLGATE_MAX_BODY_BYTES: int(1).default(33_554_432),
  TOLLGATE_DATA_DIR: z.string().min(1).default("./.tollgate"),
  TOLLGATE_SPOOL_DIR: z.string().min(1).optional(),
  // off | errors | all; the old true/false (1/0) still mean all/off.
  TOLLGATE_LOG_BODIES: z
    .enum(["off", "errors", "all", "true", "false", "1", "0"])
    .default("off")
    .transform((v): BodyCaptureMode => (v === "true" || v === "1" ? "all" : v === "false" || v === "0" ? "off" : v)),
  TOLLGATE_BODY_MAX_BYTES: int(1024).default(262_144),
  TOLLGATE_BODY_RETENTION_DAYS: int(1).default(30),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: z.string().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default("tollgate"),
  TOLLGATE_OTEL_MAX_QUEUE: int(1).default(2048),
  TOLLGATE_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  TOLLGATE_METRICS_MAX_APPS: int(1).default(50),
  TOLLGATE_METRICS_MAX_MODELS: int(1).default(100),
  TOLLGATE_RECORDER_BATCH_SIZE: int(1).default(2000),
  TOLLGATE_RECORDER_FLUSH_MS: int(1).default(200),
  TOLLGATE_RECORDER_MAX_QUEUE: int(1).default(50_000),
  TOLLGATE_RECORDER_WRITERS: int(1).max(8).default(2),
  TOLLGATE_SPOOL_MAX_BYTES: int(1).default(1_073_741_824),
  TOLLGATE_SPOOL_FSYNC_MS: int(1).max(60_000).default(100),
  TOLLGATE_REQUEST_TIMEOUT_MS: int(0).default(60_000),
  TOLLGATE_MAX_CONNECTIONS: int(0).default(0),
  TOLLGATE_SHUTDOWN_GRACE_MS: int(0).default(10_000),
  TOLLGATE_SHUTDOWN_DELAY_MS: int(0).default(0),
  TOLLGATE_CALLS_RETENTION_MONTHS: int(1).optional(),
  TOLLGATE_TOKENIZER_PRELOAD: boolish.default(false),
  TOLLGATE_HEAP_GROWTH_PERCENT: int(0).max(400).default(30),
  OPENAI_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  GEMINI_API_KEY: z.string().min(1).optional(),
  MISTRAL_API_KEY: z.string().min(1).optional(),
  AWS_REGION: z
    .string()
    .regex(/^[a-z0-9-]+$/, "an AWS region such as us-east-1")
    .optional(),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  AWS_SESSION_TOKEN: z.string().min(1).optional(),
  TOLLGATE_KEY_PEPPER: z.string().min(32, "must be at least 32 characters").optional(),
  TOLLGATE_LOGIN_ATTEMPTS_PER_MINUTE: int(1).default(10),
  TOLLGATE_TRUST_PROXY: int(0).max(10).default(0),
  TOLLGATE_SESSION_HOURS: int(1).default(12),
  TOLLGATE_REQUIRE_VIRTUAL_KEY: boolish.default(false),
  TOLLGATE_ACCESS_REFRESH_MS: int(100).default(10_000),
  TOLLGATE_BUDGET_DEFAULT_MAX_OUTPUT_TOKENS: int(0).default(4096),
  TOLLGATE_BUDGET_HOLD_LEASE_MS: int(1).default(3_600_000),
  TOLLGATE_WEBHOOK_POLL_MS: int(50).default(2_000),
  TOLLGATE_WEBHOOK_RETRY_BASE_MS: int(10).default(5_000),
  TOLLGATE_GOOGLE_TOKEN_TIMEOUT_MS: int(100).default(10_000),
  OPENAI_ADMIN_KEY: z.string().min(1).optional(),
  ANTHROPIC_ADMIN_KEY: z.string().min(1).optional(),
  TOLLGATE_RECONCILE_INTERVAL_MS: int(0).default(3_600_000),
  TOLLGATE_RECONCILE_LOOKBACK_DAYS: int(1).max(31).default(3),
  TOLLGATE_RECONCILE_ALERT_SHARE: z.coerce.number().min(0).default(0.05),
  TOLLGATE_RECONCILE_OPENAI_URL: upstreamUrlSchema().optional(),
  TOLLGATE_RECONCILE_ANTHROPIC_URL: upstreamUrlSchema().optional(),
  TOLLGATE_RECONCILE_OPENAI_HELD_KEY_ID: z.string().min(1).optional(),
  TOLLGATE_RECONCILE_ANTHROPIC_HELD_KEY_ID: z.string().min(1).optional(),
});

function upstreamUrlSchema() {
  return z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ""));
}

const upstreamUrl = z.url({ protocol: /^https?$/ });

const fileSchema = z.object({
  providers: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "lower-case letters, digits, - and _"),
        baseUrl: upstreamUrl,
        // the registry's formats, looked up when the file is read (providers/index.ts)
        format: z
          .string()
          .default("openai")
          .refine((f) => configFormats().includes(f), {
            error: (issue) => `unknown wire format ${JSON.stringify(issue.input)} (known: ${configFormats().join(", ")})`,
          }),
        priceProvider: z.string().min(1).optional(),
        apiKeyEnv: z.string().min(1).optional(),
        /** bedrock: the signing region (default: read from a bedrock-runtime.{region}.amazonaws.com baseUrl) */
        region: z
          .string()
          .regex(/^[a-z0-9-]+$/)
          .optional(),
        /** bedrock: the variables holding the AWS credentials (default AWS_ACCESS_KEY_ID, …) */
        accessKeyIdEnv: z.string().min(1).optional(),
        secretAccessKeyEnv: z.string().min(1).optional(),
        sessionTokenEnv: z.string().min(1).optional(),
        /** Vertex AI: a service account key file (JSON) to mint access tokens from for virtual-key calls */
        serviceAccountFile: z.string().min(1).optional(),
        /** …or the variable holding that key's JSON inline */
        serviceAccountEnv: z.string().min(1).optional(),
      }),
    )
    .default([]),
  prices: z.array(priceInputSchema).default([]),
  /** per-request and tool fee prices (pricing/fee-price-row.ts), validated when seeded */
  feePrices: z.array(feePriceInputSchema).default([]),
  budgets: z.array(z.record(z.string(), z.unknown())).default([]),
  /** budget notifications: `{webhooks: [{name, url, format}]}`, validated by access/budget-webhooks.ts */
  notifications: z.object({ webhooks: z.array(z.record(z.string(), z.unknown())).default([]) }).default({ webhooks: [] }),
});

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
  otel: { url: string; headers: Record<string, string>; serviceName: string; maxQueue: number } | undefined;
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

export class ConfigError extends Error {}

function describe(issues: z.core.$ZodIssue[], prefix = ""): string {
  return issues.map((i) => `${prefix}${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

/** A provider's service account key (serviceAccountFile, or the JSON in the variable serviceAccountEnv names). */
function serviceAccountOf(
  p: { name: string; serviceAccountFile?: string; serviceAccountEnv?: string },
  env: Record<string, string | undefined>,
): ServiceAccount | undefined {
  if (p.serviceAccountFile === undefined && p.serviceAccountEnv === undefined) return undefined;
  const where = `TOLLGATE_CONFIG provider "${p.name}"`;
  if (p.serviceAccountFile !== undefined && p.serviceAccountEnv !== undefined)
    throw new ConfigError(`${where}: give serviceAccountFile or serviceAccountEnv, not both`);
  if (p.serviceAccountEnv !== undefined && !env[p.serviceAccountEnv])
    throw new ConfigError(`${where}: ${p.serviceAccountEnv} (serviceAccountEnv) is not set`);
  try {
    return loadServiceAccount(
      p.serviceAccountFile !== undefined ? { file: p.serviceAccountFile } : { json: env[p.serviceAccountEnv as string] },
      where,
    );
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost" || host.startsWith("127.");
}

/** `k1=v1,k2=v2` (values URL-encoded), the OTLP exporters' header list format. */
function otlpHeaders(list: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (list ?? "").split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return out;
}

function otelConfig(e: z.infer<typeof envSchema>): Config["otel"] {
  // The traces variable is the full URL; the general one is a base the signal's path is appended to.
  const url =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces` : undefined);
  if (!url) return undefined;
  const headers = { ...otlpHeaders(e.OTEL_EXPORTER_OTLP_HEADERS), ...otlpHeaders(e.OTEL_EXPORTER_OTLP_TRACES_HEADERS) };
  return { url, headers, serviceName: e.OTEL_SERVICE_NAME, maxQueue: e.TOLLGATE_OTEL_MAX_QUEUE };
}

/** Bedrock Runtime's endpoint in a region. */
export function bedrockBaseUrl(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

/** The AWS credentials a Bedrock provider signs with, from the variables it names (AWS_* by default). */
function awsSettings(
  region: string,
  env: NodeJS.ProcessEnv,
  names: { accessKeyIdEnv?: string; secretAccessKeyEnv?: string; sessionTokenEnv?: string },
): AwsSettings {
  const accessKeyId = env[names.accessKeyIdEnv ?? "AWS_ACCESS_KEY_ID"];
  const secretAccessKey = env[names.secretAccessKeyEnv ?? "AWS_SECRET_ACCESS_KEY"];
  const sessionToken = env[names.sessionTokenEnv ?? "AWS_SESSION_TOKEN"];
  if (!accessKeyId || !secretAccessKey) return { region, credentials: undefined };
  return { region, credentials: sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey } };
}

/** Parses the environment once at start-up; throws a ConfigError naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${describe(parsed.error.issues)}`);
  const e = parsed.data;

  let file: z.infer<typeof fileSchema> = { providers: [], prices: [], feePrices: [], budgets: [], notifications: { webhooks: [] } };
  if (e.TOLLGATE_CONFIG) {
    let raw: unknown;
    try {
      const text = readFileSync(e.TOLLGATE_CONFIG, "utf8");
      raw = e.TOLLGATE_CONFIG.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
    } catch (err) {
      throw new ConfigError(`TOLLGATE_CONFIG: cannot read ${e.TOLLGATE_CONFIG}: ${(err as Error).message}`);
    }
    const f = fileSchema.safeParse(raw ?? {});
    if (!f.success) throw new ConfigError(`TOLLGATE_CONFIG (${e.TOLLGATE_CONFIG}): ${describe(f.error.issues)}`);
    file = f.data;
  }

  const heldKeys: Record<string, string | undefined> = {
    openai: e.OPENAI_API_KEY,
    anthropic: e.ANTHROPIC_API_KEY,
    gemini: e.GEMINI_API_KEY,
    mistral: e.MISTRAL_API_KEY,
  };
  const providers = new Map<string, ProviderConfig>();
  const upstreamOverride = (name: string): string | undefined => {
    const variable = `TOLLGATE_UPSTREAM_${name.toUpperCase().replace(/-/g, "_")}`;
    const value = env[variable];
    if (value === undefined || value === "") return undefined;
    const ok = upstreamUrl.safeParse(value);
    if (!ok.success) throw new ConfigError(`invalid configuration: ${variable}: must be an http(s) URL`);
    return value.replace(/\/+$/, "");
  };
  for (const [name, p] of Object.entries(BUILTIN_PROVIDERS)) {
    const bedrock = p.format === "bedrock";
    const region = e.AWS_REGION ?? "us-east-1";
    providers.set(name, {
      name,
      baseUrl: upstreamOverride(name) ?? (bedrock ? bedrockBaseUrl(region) : p.baseUrl),
      format: p.format,
      priceProvider: name,
      apiKey: heldKeys[name],
      apiKeyEnv: bedrock ? "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" : `${name.toUpperCase()}_API_KEY`,
      ...(bedrock ? { aws: awsSettings(region, env, {}) } : {}),
    });
  }
  for (const p of file.providers) {
    const baseUrl = p.baseUrl.replace(/\/+$/, "");
    const bedrock = p.format === "bedrock";
    const region = p.region ?? /^https:\/\/bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com/.exec(baseUrl)?.[1];
    if (bedrock && !region)
      throw new ConfigError(
        `TOLLGATE_CONFIG: provider "${p.name}": format bedrock needs a region (or a bedrock-runtime.{region}.amazonaws.com baseUrl)`,
      );
    providers.set(p.name, {
      name: p.name,
      baseUrl: upstreamOverride(p.name) ?? baseUrl,
      format: p.format,
      priceProvider: p.priceProvider ?? p.name,
      apiKey: p.apiKeyEnv ? env[p.apiKeyEnv] : undefined,
      apiKeyEnv: bedrock
        ? `${p.accessKeyIdEnv ?? "AWS_ACCESS_KEY_ID"} and ${p.secretAccessKeyEnv ?? "AWS_SECRET_ACCESS_KEY"}`
        : p.apiKeyEnv,
      ...(bedrock && region ? { aws: awsSettings(region, env, p) } : {}),
      serviceAccount: serviceAccountOf(p, env),
    });
  }

  const sources: ReportSource[] = [];
  if (e.OPENAI_ADMIN_KEY) {
    sources.push({
      provider: "openai",
      adminKey: e.OPENAI_ADMIN_KEY,
      baseUrl: e.TOLLGATE_RECONCILE_OPENAI_URL ?? providers.get("openai")!.baseUrl,
      heldKeyId: e.TOLLGATE_RECONCILE_OPENAI_HELD_KEY_ID,
    });
  }
  if (e.ANTHROPIC_ADMIN_KEY) {
    sources.push({
      provider: "anthropic",
      adminKey: e.ANTHROPIC_ADMIN_KEY,
      baseUrl: e.TOLLGATE_RECONCILE_ANTHROPIC_URL ?? providers.get("anthropic")!.baseUrl,
      heldKeyId: e.TOLLGATE_RECONCILE_ANTHROPIC_HELD_KEY_ID,
    });
  }

  if (!isLoopback(e.HOST) && !e.TOLLGATE_ADMIN_TOKEN) {
    throw new ConfigError(
      `TOLLGATE_ADMIN_TOKEN: required when HOST (${e.HOST}) is not a loopback address — the reporting API and dashboard would be open to the network`,
    );
  }

  if (e.TOLLGATE_BUDGET_HOLD_LEASE_MS < 3 * e.TOLLGATE_ACCESS_REFRESH_MS) {
    throw new ConfigError(
      `invalid configuration: TOLLGATE_BUDGET_HOLD_LEASE_MS: must be at least 3 × TOLLGATE_ACCESS_REFRESH_MS (${3 * e.TOLLGATE_ACCESS_REFRESH_MS}); ` +
        "running calls renew their budget reservations once per refresh, and a shorter lease would give them back early",
    );
  }

  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    migrationDatabaseUrl: e.TOLLGATE_MIGRATION_DATABASE_URL,
    reportsDatabaseUrl: e.TOLLGATE_REPORTS_DATABASE_URL,
    reportsCheckMs: e.TOLLGATE_REPORTS_CHECK_MS,
    adminToken: e.TOLLGATE_ADMIN_TOKEN,
    metricsToken: e.TOLLGATE_METRICS_TOKEN,
    providers,
    upstreamTimeoutMs: e.TOLLGATE_UPSTREAM_TIMEOUT_MS,
    maxBodyBytes: e.TOLLGATE_MAX_BODY_BYTES,
    dataDir: e.TOLLGATE_DATA_DIR,
    spoolDir: e.TOLLGATE_SPOOL_DIR ?? `${e.TOLLGATE_DATA_DIR.replace(/\/+$/, "")}/spool`,
    spoolMaxBytes: e.TOLLGATE_SPOOL_MAX_BYTES,
    spoolFsyncMs: e.TOLLGATE_SPOOL_FSYNC_MS,
    requestTimeoutMs: e.TOLLGATE_REQUEST_TIMEOUT_MS,
    maxConnections: e.TOLLGATE_MAX_CONNECTIONS,
    logBodies: e.TOLLGATE_LOG_BODIES,
    bodyMaxBytes: e.TOLLGATE_BODY_MAX_BYTES,
    bodyRetentionDays: e.TOLLGATE_BODY_RETENTION_DAYS,
    otel: otelConfig(e),
    logLevel: e.TOLLGATE_LOG_LEVEL,
    metrics: { maxApps: e.TOLLGATE_METRICS_MAX_APPS, maxModels: e.TOLLGATE_METRICS_MAX_MODELS },
    recorder: {
      batchSize: e.TOLLGATE_RECORDER_BATCH_SIZE,
      flushMs: e.TOLLGATE_RECORDER_FLUSH_MS,
      maxQueue: e.TOLLGATE_RECORDER_MAX_QUEUE,
      writers: e.TOLLGATE_RECORDER_WRITERS,
    },
    shutdownGraceMs: e.TOLLGATE_SHUTDOWN_GRACE_MS,
    shutdownDelayMs: e.TOLLGATE_SHUTDOWN_DELAY_MS,
    callsRetentionMonths: e.TOLLGATE_CALLS_RETENTION_MONTHS,
    tokenizerPreload: e.TOLLGATE_TOKENIZER_PRELOAD,
    heapGrowthPercent: e.TOLLGATE_HEAP_GROWTH_PERCENT,
    extraPrices: file.prices,
    extraFeePrices: file.feePrices,
    budgets: file.budgets,
    budgetWebhooks: file.notifications.webhooks,
    access: {
      keyPepper: e.TOLLGATE_KEY_PEPPER,
      loginAttemptsPerMinute: e.TOLLGATE_LOGIN_ATTEMPTS_PER_MINUTE,
      trustProxyHops: e.TOLLGATE_TRUST_PROXY,
      sessionHours: e.TOLLGATE_SESSION_HOURS,
      requireVirtualKey: e.TOLLGATE_REQUIRE_VIRTUAL_KEY,
      refreshMs: e.TOLLGATE_ACCESS_REFRESH_MS,
      budgetDefaultMaxOutputTokens: e.TOLLGATE_BUDGET_DEFAULT_MAX_OUTPUT_TOKENS,
      budgetHoldLeaseMs: e.TOLLGATE_BUDGET_HOLD_LEASE_MS,
      webhookPollMs: e.TOLLGATE_WEBHOOK_POLL_MS,
      webhookRetryBaseMs: e.TOLLGATE_WEBHOOK_RETRY_BASE_MS,
      googleTokenTimeoutMs: e.TOLLGATE_GOOGLE_TOKEN_TIMEOUT_MS,
    },
    reconcile: {
      sources,
      intervalMs: e.TOLLGATE_RECONCILE_INTERVAL_MS,
      lookbackDays: e.TOLLGATE_RECONCILE_LOOKBACK_DAYS,
      alertShare: e.TOLLGATE_RECONCILE_ALERT_SHARE,
    },
  };
}

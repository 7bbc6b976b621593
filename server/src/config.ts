import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { envSchema } from "./config/env-schema.ts";
import { fileSchema, upstreamUrl, type ConfigFile } from "./config/file-schema.ts";
import { ConfigError } from "./config/config-error.ts";
import { otelConfig } from "./config/otel.ts";
import { awsSettings, bedrockBaseUrl, serviceAccountOf } from "./config/provider-settings.ts";
import { BUILTIN_PROVIDERS, type Config, type ReportSource } from "./config/config-types.ts";
import type { ProviderConfig } from "./providers/provider-config.ts";

export { ConfigError } from "./config/config-error.ts";
export type { BodyCaptureMode } from "./config/env-schema.ts";
export { BUILTIN_PROVIDERS, type Config, type ReconcileConfig, type ReportSource } from "./config/config-types.ts";

function describe(issues: z.core.$ZodIssue[], prefix = ""): string {
  return issues.map((i) => `${prefix}${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost" || host.startsWith("127.");
}

/** Parses the environment once at start-up; throws a ConfigError naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${describe(parsed.error.issues)}`);
  const e = parsed.data;

  let file: ConfigFile = { providers: [], prices: [], feePrices: [], budgets: [], notifications: { webhooks: [] } };
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

import { z } from "zod";

// The environment variables Tollgate reads, parsed once by loadConfig (config.ts).

/** Which calls' request and response bodies are stored (call_bodies): none, failed calls only, or all. */
export type BodyCaptureMode = "off" | "errors" | "all";

function upstreamUrlSchema() {
  return z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ""));
}

const boolish = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const int = (min: number) => z.coerce.number().int().min(min);

export const envSchema = z.object({
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

export type Env = z.infer<typeof envSchema>;

import { Counter, Registry, collectDefaultMetrics } from "prom-client";
import type { CallRecord } from "../domain/call-record.ts";
import { createBudgetMetrics, type BudgetMetrics } from "./budget-metrics.ts";
import { createReconciliationMetrics, type ReconciliationMetrics } from "./reconciliation-metrics.ts";
import { CallMetrics } from "./call-metrics.ts";
import type { ReservedValues } from "./label-limiter.ts";
import { createRecorderMetrics, type RecorderMetrics } from "./recorder-metrics.ts";
import { createCaptureMetrics, type CaptureMetrics } from "./capture-metrics.ts";

export const DEFAULT_MAX_APPS = 50;
export const DEFAULT_MAX_MODELS = 100;

/** Where metering failed: `tokenizer` (estimate threw), `price` (lookup threw), `usage` (extraction threw), `metrics`. */
export type MeteringStage = "tokenizer" | "price" | "usage" | "metrics";
const STAGES: readonly MeteringStage[] = ["tokenizer", "price", "usage", "metrics"];

export interface MetricsOptions {
  /** distinct app label values before the rest become `other` (TOLLGATE_METRICS_MAX_APPS) */
  maxApps?: number;
  /** distinct model label values before the rest become `other` (TOLLGATE_METRICS_MAX_MODELS) */
  maxModels?: number;
  /** safety net for provider values; providers come from config (default 64) */
  maxProviders?: number;
  /** prom-client's default process/Node metrics (default true) */
  defaultMetrics?: boolean;
}

export interface Metrics {
  /** Tollgate's own registry (never prom-client's global one) */
  readonly registry: Registry;
  /** Once per finished call, on the hot path. Never throws. */
  observeCall(record: CallRecord): void;
  /** A tokenizer, usage extraction or price lookup threw; the call went through regardless. */
  meteringFailure(stage: MeteringStage): void;
  /** Admits an app name ahead of traffic (e.g. apps of virtual keys) so it never becomes `other`. */
  pinApp(app: string): void;
  /** Admits the models `isKnown` knows (the price table's) without using a slot, so they never become `other`. */
  reserveModels(isKnown: ReservedValues): void;
  readonly recorder: RecorderMetrics;
  readonly budget: BudgetMetrics;
  /** stored bodies and OpenTelemetry export */
  readonly capture: CaptureMetrics;
  readonly reconciliation: ReconciliationMetrics;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const calls = new CallMetrics(registry, {
    maxApps: options.maxApps ?? DEFAULT_MAX_APPS,
    maxModels: options.maxModels ?? DEFAULT_MAX_MODELS,
    maxProviders: options.maxProviders,
  });
  const failures = new Counter({
    name: "tollgate_metering_failures_total",
    help: "Metering steps that threw (the call itself was forwarded), by stage.",
    labelNames: ["stage"],
    registers: [registry],
  });
  const failureByStage = new Map(STAGES.map((stage) => [stage, failures.labels(stage)] as const));
  for (const child of failureByStage.values()) child.inc(0);
  const meteringFailure = (stage: MeteringStage): void => {
    let child = failureByStage.get(stage);
    if (child === undefined) {
      child = failures.labels(stage);
      failureByStage.set(stage, child);
    }
    child.inc();
  };
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  return {
    registry,
    observeCall(record) {
      try {
        if (calls.observe(record) > 0) meteringFailure("metrics");
      } catch {
        meteringFailure("metrics");
      }
    },
    meteringFailure,
    pinApp: (app) => calls.apps.pin(app),
    reserveModels: (isKnown) => calls.models.reserve(isKnown),
    recorder: createRecorderMetrics(registry),
    budget: createBudgetMetrics(registry),
    capture: createCaptureMetrics(registry),
    reconciliation: createReconciliationMetrics(registry),
  };
}

export { createMetrics } from "./metrics.ts";
export type { Metrics } from "./metrics.ts";
export { metricsHandler } from "./handler.ts";
export { LabelLimiter, OTHER } from "./label-limiter.ts";
export type { BudgetMetrics } from "./budget-metrics.ts";
export * as buckets from "./buckets.ts";

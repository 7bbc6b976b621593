import type { Registry } from "prom-client";
import type { CallRecord } from "../domain/call-record.ts";
import { LabelLimiter } from "./label-limiter.ts";
import { OVERHEAD_BUCKETS, REQUEST_DURATION_BUCKETS, TTFT_BUCKETS } from "./buckets.ts";
import { CellCounter, CellHistogram, type CounterCell, type HistogramCell } from "./cells.ts";

/** Model label for calls without a model (unmetered paths, requests that failed before parsing). */
export const NO_MODEL = "none";
export const TOKEN_TYPES = ["input", "cached_input", "cache_write", "output", "reasoning"] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** Cells for one (provider, model, app); per-outcome cells are created on first use. */
interface AppSeries {
  requests: Map<string, CounterCell>;
  tokens: Record<TokenType, CounterCell>;
  cost: CounterCell;
  unpriced: CounterCell;
}
interface ModelSeries {
  apps: Map<string, AppSeries>;
  duration: Map<string, HistogramCell>;
  ttft: HistogramCell;
}
interface ProviderSeries {
  models: Map<string, ModelSeries>;
  overhead: HistogramCell;
}

export interface CallMetricsOptions {
  maxApps: number;
  maxModels: number;
  /** providers come from config and are bounded already; this is a safety net (default 64) */
  maxProviders?: number;
}

/**
 * The per-call metrics. `observe` runs once per finished call on the hot path: the label values are bounded
 * by LabelLimiters, three Map lookups find the cached cells of that (provider, model, app), and the update is
 * a handful of number additions — no label objects or strings are built once a combination has been seen.
 */
export class CallMetrics {
  readonly apps: LabelLimiter;
  readonly models: LabelLimiter;
  readonly providers: LabelLimiter;
  private readonly requests: CellCounter;
  private readonly tokens: CellCounter;
  private readonly cost: CellCounter;
  private readonly unpriced: CellCounter;
  private readonly duration: CellHistogram;
  private readonly ttft: CellHistogram;
  private readonly overhead: CellHistogram;
  private readonly series = new Map<string, ProviderSeries>();

  constructor(registry: Registry, options: CallMetricsOptions) {
    this.apps = new LabelLimiter(options.maxApps);
    this.models = new LabelLimiter(options.maxModels, { always: [NO_MODEL] });
    this.providers = new LabelLimiter(options.maxProviders ?? 64);
    this.requests = new CellCounter(registry, "tollgate_requests_total", "Finished proxied calls, by outcome.");
    this.tokens = new CellCounter(
      registry,
      "tollgate_tokens_total",
      "Tokens billed, by type. input includes cached_input and cache_write; output includes reasoning.",
    );
    this.cost = new CellCounter(registry, "tollgate_cost_usd_total", "Cost of priced calls in US dollars.");
    this.unpriced = new CellCounter(
      registry,
      "tollgate_unpriced_requests_total",
      "Calls with usage (reported or estimated) that matched no price: their cost is missing from tollgate_cost_usd_total.",
    );
    this.duration = new CellHistogram(
      registry,
      "tollgate_request_duration_seconds",
      "Total call duration as the client saw it.",
      REQUEST_DURATION_BUCKETS,
    );
    this.ttft = new CellHistogram(
      registry,
      "tollgate_time_to_first_token_seconds",
      "Time to the first token (streams) or the first response byte.",
      TTFT_BUCKETS,
    );
    this.overhead = new CellHistogram(
      registry,
      "tollgate_overhead_seconds",
      "Time spent inside Tollgate per call (not waiting on the upstream or the client).",
      OVERHEAD_BUCKETS,
    );
  }

  /**
   * Updates every per-call metric for one finished call. A token count or cost no counter can take (negative,
   * NaN, unparsable) is skipped rather than poisoning the series; the return value counts such fields.
   */
  observe(record: CallRecord): number {
    let invalid = 0;
    const provider = this.providers.map(record.provider);
    const model = this.models.map(record.model ?? NO_MODEL);
    const app = this.apps.map(record.app);
    const providerSeries = this.providerSeries(provider);
    const modelSeries = this.modelSeries(providerSeries, provider, model);
    const appSeries = this.appSeries(modelSeries, provider, model, app);
    const outcome = record.outcome;

    let requests = appSeries.requests.get(outcome);
    if (requests === undefined) {
      requests = this.requests.cell({ provider, model, app, outcome });
      appSeries.requests.set(outcome, requests);
    }
    requests.value++;

    const tokens = appSeries.tokens;
    invalid += add(tokens.input, record.inputTokens);
    invalid += add(tokens.cached_input, record.cachedInputTokens);
    invalid += add(tokens.cache_write, record.cacheWriteTokens);
    invalid += add(tokens.output, record.outputTokens);
    invalid += add(tokens.reasoning, record.reasoningTokens);

    if (record.costUsd !== null) {
      invalid += add(appSeries.cost, Number(record.costUsd)); // the one float conversion of the exact decimal
    } else if (!record.priced && record.usageSource !== "none") {
      // the reporting API's definition too (rollups: NOT priced AND usage_source <> 'none')
      appSeries.unpriced.value++;
    }

    // A batch job's result line (endpoint batch.*) ran at the provider on its own schedule: it has no
    // latency, TTFT or overhead of Tollgate's to observe, only requests, tokens and cost.
    if (record.endpoint.startsWith("batch.")) return invalid;
    let duration = modelSeries.duration.get(outcome);
    if (duration === undefined) {
      duration = this.duration.cell({ provider, model, outcome });
      modelSeries.duration.set(outcome, duration);
    }
    this.duration.observe(duration, seconds(record.latencyMs));
    if (record.ttftMs !== null) this.ttft.observe(modelSeries.ttft, seconds(record.ttftMs));
    this.overhead.observe(providerSeries.overhead, seconds(record.overheadMs));
    return invalid;
  }

  private providerSeries(provider: string): ProviderSeries {
    let found = this.series.get(provider);
    if (found === undefined) {
      found = { models: new Map(), overhead: this.overhead.cell({ provider }) };
      this.series.set(provider, found);
    }
    return found;
  }

  private modelSeries(parent: ProviderSeries, provider: string, model: string): ModelSeries {
    let found = parent.models.get(model);
    if (found === undefined) {
      found = { apps: new Map(), duration: new Map(), ttft: this.ttft.cell({ provider, model }) };
      parent.models.set(model, found);
    }
    return found;
  }

  private appSeries(parent: ModelSeries, provider: string, model: string, app: string): AppSeries {
    let found = parent.apps.get(app);
    if (found === undefined) {
      const token = (type: TokenType) => this.tokens.cell({ provider, model, app, type });
      found = {
        requests: new Map(),
        tokens: {
          input: token("input"),
          cached_input: token("cached_input"),
          cache_write: token("cache_write"),
          output: token("output"),
          reasoning: token("reasoning"),
        },
        cost: this.cost.cell({ provider, model, app }),
        unpriced: this.unpriced.cell({ provider, model, app }),
      };
      parent.apps.set(app, found);
    }
    return found;
  }
}

/** Adds to a counter cell, skipping zeros; returns 1 for an amount no counter can take (negative, NaN, ∞). */
function add(cell: CounterCell, amount: number): number {
  if (amount === 0) return 0;
  if (amount > 0 && amount < Infinity) {
    cell.value += amount;
    return 0;
  }
  return 1;
}

function seconds(ms: number): number {
  return ms > 0 && ms < Infinity ? ms / 1000 : 0;
}

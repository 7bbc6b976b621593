/**
 * Realistic synthetic calls for `npm run seed`: several providers, apps and models with real prices, a
 * daily rhythm, skewed (log-normal) token counts and latencies, streamed calls with a time to first token,
 * a few percent of every failure outcome, and one model no price matches (so "unpriced" shows up).
 * Deterministic for a given seed.
 */
import type { CallRecord, Outcome } from "../server/src/domain/call-record.ts";
import type { Usage } from "../server/src/domain/usage.ts";
import { uuidv7 } from "../server/src/lib/uuidv7.ts";

interface ModelProfile {
  provider: string;
  model: string;
  /** reported model (dated snapshot) when the provider sends one */
  responseModel: string;
  endpoint: string;
  weight: number;
  medianLatencyMs: number;
  medianInput: number;
  medianOutput: number;
  /** share of input read from the prompt cache, when the call hits it */
  cacheRead: number;
  reasoning: boolean;
}

const MODELS: ModelProfile[] = [
  {
    provider: "openai",
    model: "gpt-4o-mini",
    responseModel: "gpt-4o-mini-2024-07-18",
    endpoint: "/v1/chat/completions",
    weight: 34,
    medianLatencyMs: 900,
    medianInput: 900,
    medianOutput: 220,
    cacheRead: 0.5,
    reasoning: false,
  },
  {
    provider: "openai",
    model: "gpt-4o",
    responseModel: "gpt-4o-2024-08-06",
    endpoint: "/v1/chat/completions",
    weight: 8,
    medianLatencyMs: 1800,
    medianInput: 1500,
    medianOutput: 350,
    cacheRead: 0.5,
    reasoning: false,
  },
  {
    provider: "openai",
    model: "gpt-4.1",
    responseModel: "gpt-4.1-2025-04-14",
    endpoint: "/v1/responses",
    weight: 7,
    medianLatencyMs: 2200,
    medianInput: 2400,
    medianOutput: 500,
    cacheRead: 0.6,
    reasoning: false,
  },
  {
    provider: "openai",
    model: "o4-mini",
    responseModel: "o4-mini-2025-04-16",
    endpoint: "/v1/chat/completions",
    weight: 4,
    medianLatencyMs: 6000,
    medianInput: 1200,
    medianOutput: 1400,
    cacheRead: 0.4,
    reasoning: true,
  },
  {
    provider: "openai",
    model: "text-embedding-3-small",
    responseModel: "text-embedding-3-small",
    endpoint: "/v1/embeddings",
    weight: 12,
    medianLatencyMs: 160,
    medianInput: 300,
    medianOutput: 0,
    cacheRead: 0,
    reasoning: false,
  },
  {
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    responseModel: "claude-sonnet-4-5-20250929",
    endpoint: "/v1/messages",
    weight: 14,
    medianLatencyMs: 2600,
    medianInput: 3000,
    medianOutput: 450,
    cacheRead: 0.7,
    reasoning: false,
  },
  {
    provider: "anthropic",
    model: "claude-haiku-4-5",
    responseModel: "claude-haiku-4-5-20251001",
    endpoint: "/v1/messages",
    weight: 6,
    medianLatencyMs: 1100,
    medianInput: 1200,
    medianOutput: 250,
    cacheRead: 0.6,
    reasoning: false,
  },
  {
    provider: "gemini",
    model: "gemini-2.5-flash",
    responseModel: "gemini-2.5-flash",
    endpoint: "/v1beta/models/gemini-2.5-flash:generateContent",
    weight: 8,
    medianLatencyMs: 1300,
    medianInput: 1800,
    medianOutput: 300,
    cacheRead: 0.3,
    reasoning: true,
  },
  {
    provider: "mistral",
    model: "mistral-large-2512",
    responseModel: "mistral-large-2512",
    endpoint: "/v1/chat/completions",
    weight: 5,
    medianLatencyMs: 1500,
    medianInput: 1000,
    medianOutput: 300,
    cacheRead: 0,
    reasoning: false,
  },
  {
    provider: "openai",
    model: "ft:gpt-4o-mini:acme:support:unpriced",
    responseModel: "ft:gpt-4o-mini:acme:support:unpriced",
    endpoint: "/v1/chat/completions",
    weight: 2,
    medianLatencyMs: 1000,
    medianInput: 800,
    medianOutput: 200,
    cacheRead: 0,
    reasoning: false,
  },
];

const APPS: Array<{ name: string; weight: number; users: number }> = [
  { name: "support-bot", weight: 30, users: 2_000 },
  { name: "search", weight: 22, users: 5_000 },
  { name: "summarizer", weight: 15, users: 0 },
  { name: "code-review", weight: 14, users: 300 },
  { name: "batch-etl", weight: 14, users: 0 },
  { name: "internal-tools", weight: 5, users: 50 },
];

/** Outcome shares in ‰ (the rest is ok), with what such a failure looks like. */
const FAILURES: Array<{ outcome: Outcome; perMille: number; status: number; errorType: string; message: string }> = [
  {
    outcome: "rate_limited",
    perMille: 20,
    status: 429,
    errorType: "rate_limit_exceeded",
    message: "Rate limit reached for requests per min (RPM): Limit 500.",
  },
  {
    outcome: "upstream_error",
    perMille: 15,
    status: 500,
    errorType: "server_error",
    message: "The server had an error while processing your request.",
  },
  { outcome: "timeout", perMille: 5, status: 504, errorType: "timeout", message: "no upstream byte within the timeout" },
  { outcome: "client_cancelled", perMille: 7, status: 499, errorType: "client_cancelled", message: "the client closed the connection" },
  {
    outcome: "network_error",
    perMille: 3,
    status: 502,
    errorType: "network_error",
    message: "ECONNRESET while reading the upstream response",
  },
  { outcome: "budget_blocked", perMille: 2, status: 429, errorType: "budget_exceeded", message: "monthly budget reached" },
  { outcome: "auth_failed", perMille: 2, status: 401, errorType: "invalid_api_key", message: "Incorrect API key provided." },
  { outcome: "proxy_error", perMille: 1, status: 500, errorType: "proxy_error", message: "internal error" },
];

/** mulberry32: small, fast and deterministic. */
export function randomSource(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickWeighted<T extends { weight: number }>(items: readonly T[], total: number, r: number): T {
  let x = r * total;
  for (const item of items) if ((x -= item.weight) < 0) return item;
  return items[items.length - 1] as T;
}

const MODEL_WEIGHT = MODELS.reduce((s, m) => s + m.weight, 0);
const APP_WEIGHT = APPS.reduce((s, a) => s + a.weight, 0);
/** Relative traffic by UTC hour: a working-day hump over a night floor. */
const HOUR_WEIGHT = Array.from({ length: 24 }, (_, h) => 0.35 + Math.exp(-((h - 14) ** 2) / 18));
const HOUR_MAX = Math.max(...HOUR_WEIGHT);

export type PriceFn = (args: {
  provider: string;
  model: string | null;
  responseModel: string | null;
  startedAt: Date;
  serviceTier: string | null;
  usage: Usage;
}) => {
  costUsd: string | null;
  priceId: string | null;
  priced: boolean;
};

export class SyntheticTraffic {
  private readonly random: () => number;
  constructor(
    seed: number,
    private readonly price: PriceFn,
  ) {
    this.random = randomSource(seed);
  }

  private logNormal(median: number, sigma: number): number {
    // Box–Muller; 1 - random() keeps the log argument above zero.
    const z = Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
    return median * Math.exp(sigma * z);
  }

  /** A start time in [fromMs, toMs) following the daily rhythm (rejection sampling on the hour's weight). */
  private startTime(fromMs: number, toMs: number): number {
    for (;;) {
      const t = fromMs + Math.floor(this.random() * (toMs - fromMs));
      const hour = new Date(t).getUTCHours();
      if (this.random() * HOUR_MAX < (HOUR_WEIGHT[hour] as number)) return t;
    }
  }

  /** `count` calls started in [fromMs, toMs), in time order. */
  calls(count: number, fromMs: number, toMs: number): CallRecord[] {
    const times = Array.from({ length: count }, () => this.startTime(fromMs, toMs)).sort((a, b) => a - b);
    return times.map((t) => this.call(t));
  }

  call(startedMs: number): CallRecord {
    const rnd = this.random;
    const m = pickWeighted(MODELS, MODEL_WEIGHT, rnd());
    const app = pickWeighted(APPS, APP_WEIGHT, rnd());
    let roll = rnd() * 1000;
    const failure = FAILURES.find((f) => (roll -= f.perMille) < 0);
    const outcome: Outcome = failure?.outcome ?? "ok";
    const embedding = m.endpoint.endsWith("/embeddings");
    const stream = !embedding && rnd() < 0.45;

    // Usage: reported for completed calls; estimated for a stream the client left; none for failures.
    let usage: Usage = {
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    };
    let usageSource: CallRecord["usageSource"] = "none";
    if (outcome === "ok" || (outcome === "client_cancelled" && stream)) {
      const inputTokens = Math.max(1, Math.round(this.logNormal(m.medianInput, 0.9)));
      const cachedInputTokens = m.cacheRead > 0 && rnd() < 0.35 ? Math.floor(inputTokens * m.cacheRead) : 0;
      const cacheWriteTokens = m.provider === "anthropic" && cachedInputTokens === 0 && rnd() < 0.2 ? Math.floor(inputTokens * 0.6) : 0;
      let outputTokens = embedding ? 0 : Math.max(1, Math.round(this.logNormal(m.medianOutput, 0.8)));
      if (outcome === "client_cancelled") outputTokens = Math.ceil(outputTokens * rnd());
      const reasoningTokens = m.reasoning && outputTokens > 0 ? Math.floor(outputTokens * (0.3 + 0.5 * rnd())) : 0;
      usage = { inputTokens, cachedInputTokens, cacheWriteTokens, cacheWrite1hTokens: 0, outputTokens, reasoningTokens };
      usageSource = outcome === "ok" ? "reported" : "estimated";
    }
    const priced =
      usageSource === "none"
        ? { costUsd: null, priceId: null, priced: false }
        : this.price({
            provider: m.provider,
            model: m.model,
            responseModel: m.responseModel,
            startedAt: new Date(startedMs),
            serviceTier: null,
            usage,
          });

    let latencyMs = this.logNormal(m.medianLatencyMs, 0.55);
    if (outcome === "timeout") latencyMs = 600_000;
    else if (outcome === "rate_limited" || outcome === "auth_failed" || outcome === "budget_blocked")
      latencyMs = this.logNormal(outcome === "budget_blocked" ? 2 : 120, 0.4);
    else if (outcome === "network_error") latencyMs = this.logNormal(400, 1);
    const hasFirstByte = outcome !== "timeout" && outcome !== "network_error" && outcome !== "budget_blocked";
    const ttftMs = hasFirstByte ? (stream ? latencyMs * (0.08 + 0.25 * rnd()) : latencyMs * (0.97 + 0.03 * rnd())) : null;
    const user = app.users > 0 ? `user-${String(Math.floor(app.users * rnd() ** 2)).padStart(5, "0")}` : null;

    return {
      id: uuidv7(startedMs),
      startedAt: new Date(startedMs),
      provider: m.provider,
      endpoint: m.endpoint,
      model: m.model,
      responseModel: outcome === "ok" ? m.responseModel : null,
      deployment: null,
      app: app.name,
      user,
      properties: rnd() < 0.3 ? { feature: ["chat", "autocomplete", "digest"][Math.floor(rnd() * 3)] as string } : null,
      keyId: null,
      stream,
      status: failure?.status ?? 200,
      outcome,
      errorType: failure?.errorType ?? null,
      errorMessage: failure?.message ?? null,
      errorBody: failure ? JSON.stringify({ error: { message: failure.message, type: failure.errorType } }) : null,
      upstreamRequestId: failure?.outcome === "budget_blocked" ? null : `req_${Math.floor(rnd() * 2 ** 48).toString(36)}`,
      serviceTier: null,
      ...usage,
      usageSource,
      costUsd: priced.costUsd,
      priceId: priced.priceId,
      priced: priced.priced,
      latencyMs: Math.round(latencyMs * 1000) / 1000,
      ttftMs: ttftMs === null ? null : Math.round(ttftMs * 1000) / 1000,
      overheadMs: Math.round(this.logNormal(0.4, 0.5) * 1000) / 1000,
      requestBytes: 200 + Math.round(usage.inputTokens * 4.2),
      responseBytes: 150 + Math.round(usage.outputTokens * 4.5),
      requestBody: null,
      responseBody: null,
    };
  }
}

/**
 * Realistic synthetic calls for `npm run seed`: several providers, apps and models with real prices, a
 * daily rhythm, skewed (log-normal) token counts and latencies, streamed calls with a time to first token,
 * a few percent of every failure outcome, and one model no price matches (so "unpriced" shows up).
 * Deterministic for a given seed. What the calls are made of is in synthetic/ (models, apps and failures, the
 * seeded randomness); this file draws the calls.
 */
import type { CallRecord, Outcome } from "../server/src/domain/call-record.ts";
import type { Usage } from "../server/src/domain/usage.ts";
import { uuidv7 } from "../server/src/lib/uuidv7.ts";
import { APP_WEIGHT, APPS, FAILURES, HOUR_MAX, HOUR_WEIGHT } from "./synthetic/mix.ts";
import { MODEL_WEIGHT, MODELS } from "./synthetic/models.ts";
import { logNormal, pickWeighted, randomSource } from "./synthetic/random.ts";

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
    return logNormal(this.random, median, sigma);
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

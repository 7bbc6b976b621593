/** Plausible call records for the ingest and reports benches (varied providers, apps, models, outcomes). */
import type { CallRecord, Outcome } from "../server/src/metering/call-record.ts";
import { uuidv7 } from "../server/src/proxy/uuidv7.ts";

const MODELS: Record<string, string[]> = {
  openai: ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "text-embedding-3-small"],
  anthropic: ["claude-sonnet-4-5", "claude-haiku-4-5"],
  gemini: ["gemini-2.5-flash", "gemini-2.5-pro"],
  mistral: ["mistral-large-2512"],
};
const PROVIDERS = Object.keys(MODELS);
const APPS = Array.from({ length: 20 }, (_, i) => `app-${String(i).padStart(2, "0")}`);

/** A small deterministic generator, so two runs seed the same data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticCall(random: () => number, startedMs: number): CallRecord {
  const provider = PROVIDERS[Math.floor(random() * PROVIDERS.length)] as string;
  const models = MODELS[provider] as string[];
  const model = models[Math.floor(random() * models.length)] as string;
  const roll = random();
  const outcome: Outcome = roll < 0.95 ? "ok" : roll < 0.97 ? "rate_limited" : roll < 0.99 ? "upstream_error" : "network_error";
  const ok = outcome === "ok";
  const inputTokens = ok ? 50 + Math.floor(random() * 4000) : 0;
  const outputTokens = ok ? Math.floor(random() * 800) : 0;
  const latencyMs = 200 + random() * 5000;
  return {
    id: uuidv7(startedMs),
    startedAt: new Date(startedMs),
    provider,
    endpoint: "chat.completions",
    model,
    responseModel: model,
    deployment: null,
    app: APPS[Math.floor(random() * APPS.length)] as string,
    user: random() < 0.5 ? `user-${Math.floor(random() * 1000)}` : null,
    properties: null,
    keyId: null,
    stream: random() < 0.6,
    status: ok ? 200 : outcome === "rate_limited" ? 429 : outcome === "upstream_error" ? 500 : 502,
    outcome,
    errorType: ok ? null : outcome,
    errorMessage: ok ? null : "synthetic failure",
    errorBody: null,
    upstreamRequestId: `req_${Math.floor(random() * 1e12).toString(36)}`,
    serviceTier: null,
    inputTokens,
    cachedInputTokens: Math.floor(inputTokens * random() * 0.3),
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens,
    reasoningTokens: 0,
    usageSource: ok ? "reported" : "none",
    costUsd: ok ? ((inputTokens * 0.15 + outputTokens * 0.6) / 1e6).toFixed(10) : null,
    priceId: ok ? `${provider}:${model}:2025-01-01` : null,
    priced: ok,
    latencyMs: Math.round(latencyMs * 1000) / 1000,
    ttftMs: Math.round(latencyMs * 200) / 1000,
    overheadMs: 0.2,
    requestBytes: 800 + Math.floor(random() * 4000),
    responseBytes: 400 + Math.floor(random() * 3000),
    requestBody: null,
    responseBody: null,
  };
}

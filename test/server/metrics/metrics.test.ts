import { describe, expect, it } from "vitest";
import { register as globalRegistry } from "prom-client";
import { createMetrics } from "../../../server/src/metrics/index.ts";
import { parsePromText } from "../../support/prom-text.ts";
import { callRecord, failedCall } from "../../support/call-record.ts";

const scrape = async (metrics: ReturnType<typeof createMetrics>) => parsePromText(await metrics.registry.metrics());
const m = () => createMetrics({ maxApps: 10, maxModels: 10, defaultMetrics: false });

describe("tollgate_requests_total", () => {
  it("counts each finished call once, by outcome", async () => {
    const metrics = m();
    for (let i = 0; i < 3; i++) metrics.observeCall(callRecord());
    metrics.observeCall(failedCall());
    metrics.observeCall(callRecord({ outcome: "client_cancelled", status: 499, stream: true }));
    metrics.observeCall(callRecord({ outcome: "rate_limited", status: 429, app: "search" }));
    const text = await scrape(metrics);
    const base = { provider: "openai", model: "gpt-4o-mini" };
    expect(text.value("tollgate_requests_total", { ...base, app: "checkout", outcome: "ok" })).toBe(3);
    expect(text.value("tollgate_requests_total", { ...base, app: "checkout", outcome: "upstream_error" })).toBe(1);
    expect(text.value("tollgate_requests_total", { ...base, app: "checkout", outcome: "client_cancelled" })).toBe(1);
    expect(text.value("tollgate_requests_total", { ...base, app: "search", outcome: "rate_limited" })).toBe(1);
    expect(text.sum("tollgate_requests_total")).toBe(6);
    expect(text.types.get("tollgate_requests_total")).toBe("counter");
  });

  it("counts a failed call exactly once everywhere it appears", async () => {
    const metrics = m();
    metrics.observeCall(failedCall({ latencyMs: 1500 }));
    const text = await scrape(metrics);
    expect(text.sum("tollgate_requests_total")).toBe(1);
    expect(text.value("tollgate_requests_total", { outcome: "upstream_error" })).toBe(1);
    expect(text.sum("tollgate_request_duration_seconds_count")).toBe(1);
    expect(text.value("tollgate_request_duration_seconds_count", { outcome: "upstream_error" })).toBe(1);
    expect(text.find("tollgate_tokens_total")).toHaveLength(0);
    expect(text.find("tollgate_unpriced_requests_total")).toHaveLength(0); // no usage, nothing to price
    expect(text.find("tollgate_time_to_first_token_seconds_count")).toHaveLength(0);
  });

  it("labels calls without a model as model=none", async () => {
    const metrics = m();
    metrics.observeCall(callRecord({ model: null, endpoint: "other", costUsd: null, priced: false }));
    const text = await scrape(metrics);
    expect(text.value("tollgate_requests_total", { model: "none" })).toBe(1);
  });
});

describe("tollgate_tokens_total", () => {
  it("adds tokens by type and skips zero increments", async () => {
    const metrics = m();
    metrics.observeCall(callRecord({ inputTokens: 1200, cachedInputTokens: 1000, outputTokens: 300 }));
    metrics.observeCall(callRecord({ inputTokens: 800, cacheWriteTokens: 700, outputTokens: 500, reasoningTokens: 256 }));
    const text = await scrape(metrics);
    const tokens = (type: string) => text.value("tollgate_tokens_total", { app: "checkout", type });
    expect(tokens("input")).toBe(2000);
    expect(tokens("cached_input")).toBe(1000);
    expect(tokens("cache_write")).toBe(700);
    expect(tokens("output")).toBe(800);
    expect(tokens("reasoning")).toBe(256);

    const onlyInput = m();
    onlyInput.observeCall(callRecord({ inputTokens: 5 }));
    const t2 = await scrape(onlyInput);
    expect(t2.labelValues("tollgate_tokens_total", "type")).toEqual(new Set(["input"]));
  });
});

describe("tollgate_cost_usd_total and tollgate_unpriced_requests_total", () => {
  it("sums exact decimal costs", async () => {
    const metrics = m();
    for (let i = 0; i < 3; i++) metrics.observeCall(callRecord({ inputTokens: 10, costUsd: "0.0000123400" }));
    const text = await scrape(metrics);
    const cost = text.value("tollgate_cost_usd_total", { provider: "openai", model: "gpt-4o-mini", app: "checkout" });
    expect(cost).toBeCloseTo(0.00003702, 15);
    expect(cost.toFixed(10)).toBe("0.0000370200");
  });

  it("sums larger mixed costs per app", async () => {
    const metrics = m();
    const costs = ["1.2500000000", "0.0000000001", "12.3400000000", "0.6000000000"];
    for (const costUsd of costs) metrics.observeCall(callRecord({ inputTokens: 1, costUsd, app: "batch" }));
    const text = await scrape(metrics);
    expect(text.value("tollgate_cost_usd_total", { app: "batch" }).toFixed(10)).toBe("14.1900000001");
  });

  it("counts calls with usage but no price, and does not add them to cost", async () => {
    const metrics = m();
    metrics.observeCall(callRecord({ model: "gpt-9", inputTokens: 50, outputTokens: 5, costUsd: null, priced: false, priceId: null }));
    metrics.observeCall(callRecord({ model: "gpt-9", inputTokens: 50, outputTokens: 5, costUsd: null, priced: false, priceId: null }));
    const text = await scrape(metrics);
    expect(text.value("tollgate_unpriced_requests_total", { model: "gpt-9" })).toBe(2);
    expect(text.find("tollgate_cost_usd_total", { model: "gpt-9" })).toHaveLength(0);
    expect(text.value("tollgate_requests_total", { model: "gpt-9" })).toBe(2);
  });

  it("counts an unpriced call with estimated usage, not one without usage", async () => {
    const metrics = m();
    metrics.observeCall(
      callRecord({ model: "gpt-9", outcome: "client_cancelled", usageSource: "estimated", inputTokens: 12, costUsd: null, priced: false }),
    );
    metrics.observeCall(callRecord({ model: "gpt-9", outcome: "auth_failed", usageSource: "none", costUsd: null, priced: false }));
    const text = await scrape(metrics);
    expect(text.value("tollgate_unpriced_requests_total", { model: "gpt-9" })).toBe(1);
  });
});

describe("histograms", () => {
  it("puts request durations in the right buckets", async () => {
    const metrics = m();
    for (const latencyMs of [30, 700, 45_000]) metrics.observeCall(callRecord({ latencyMs }));
    const text = await scrape(metrics);
    const bucket = (le: string) => text.value("tollgate_request_duration_seconds_bucket", { outcome: "ok", le });
    expect(bucket("0.025")).toBe(0);
    expect(bucket("0.05")).toBe(1);
    expect(bucket("0.5")).toBe(1);
    expect(bucket("1")).toBe(2);
    expect(bucket("30")).toBe(2);
    expect(bucket("60")).toBe(3);
    expect(bucket("+Inf")).toBe(3);
    expect(text.value("tollgate_request_duration_seconds_count", { outcome: "ok" })).toBe(3);
    expect(text.value("tollgate_request_duration_seconds_sum", { outcome: "ok" })).toBeCloseTo(45.73, 9);
    expect(text.types.get("tollgate_request_duration_seconds")).toBe("histogram");
  });

  it("observes time to first token only when there is one", async () => {
    const metrics = m();
    metrics.observeCall(callRecord({ stream: true, ttftMs: 250 }));
    metrics.observeCall(callRecord({ stream: true, ttftMs: 1800 }));
    metrics.observeCall(callRecord({ ttftMs: null }));
    const text = await scrape(metrics);
    expect(text.value("tollgate_time_to_first_token_seconds_count", { model: "gpt-4o-mini" })).toBe(2);
    expect(text.value("tollgate_time_to_first_token_seconds_bucket", { le: "0.3" })).toBe(1);
    expect(text.value("tollgate_time_to_first_token_seconds_bucket", { le: "2" })).toBe(2);
  });

  it("resolves sub-millisecond overheads per provider", async () => {
    const metrics = m();
    for (const overheadMs of [0.08, 0.3, 0.9, 4]) metrics.observeCall(callRecord({ provider: "anthropic", overheadMs }));
    const text = await scrape(metrics);
    const bucket = (le: string) => text.value("tollgate_overhead_seconds_bucket", { provider: "anthropic", le });
    expect(bucket("0.0001")).toBe(1);
    expect(bucket("0.0005")).toBe(2);
    expect(bucket("0.001")).toBe(3);
    expect(bucket("0.005")).toBe(4);
    expect(text.labelValues("tollgate_overhead_seconds_count", "provider")).toEqual(new Set(["anthropic"]));
  });
});

describe("robustness", () => {
  it("never throws on values a counter cannot take, and counts them as metering failures", async () => {
    const metrics = m();
    expect(() => metrics.observeCall(callRecord({ inputTokens: -5, outputTokens: Number.NaN, costUsd: "abc" }))).not.toThrow();
    const text = await scrape(metrics);
    expect(text.value("tollgate_metering_failures_total", { stage: "metrics" })).toBe(1);
    expect(text.value("tollgate_requests_total")).toBe(1);
    expect(text.find("tollgate_tokens_total")).toHaveLength(0);
    expect(text.find("tollgate_cost_usd_total")).toHaveLength(0);
    expect(text.samples.every((s) => !Number.isNaN(s.value))).toBe(true);
  });

  it("counts metering failures by stage, all stages present from the start", async () => {
    const metrics = m();
    metrics.meteringFailure("tokenizer");
    metrics.meteringFailure("price");
    metrics.meteringFailure("price");
    const text = await scrape(metrics);
    expect(text.value("tollgate_metering_failures_total", { stage: "tokenizer" })).toBe(1);
    expect(text.value("tollgate_metering_failures_total", { stage: "price" })).toBe(2);
    expect(text.value("tollgate_metering_failures_total", { stage: "usage" })).toBe(0);
  });

  it("uses its own registry, not prom-client's global one", async () => {
    const a = m();
    const b = m();
    a.observeCall(callRecord());
    expect(await globalRegistry.metrics()).not.toContain("tollgate_");
    expect((await scrape(b)).find("tollgate_requests_total")).toHaveLength(0);
  });

  it("registers prom-client's default Node metrics on the registry", async () => {
    const text = await scrape(createMetrics());
    expect(text.families()).toContain("process_cpu_user_seconds_total");
    expect(text.families()).toContain("nodejs_heap_size_used_bytes");
    expect(text.families()).toContain("nodejs_eventloop_lag_seconds");
  });
});

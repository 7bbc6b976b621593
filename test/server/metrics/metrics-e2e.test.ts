import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { FAKE_USAGE, startFakeOpenAi } from "../../support/fake-openai.ts";
import { parsePromText, type Exposition } from "../../support/prom-text.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";
import { eventually } from "../../support/tollgate.ts";

const METRICS_TOKEN = "metrics-token-for-tests";
const MAX_APPS = 3;

const tg = useProxyFixture({
  fake: startFakeOpenAi,
  routes: ["OPENAI"],
  env: () => ({ TOLLGATE_METRICS_TOKEN: METRICS_TOKEN, TOLLGATE_METRICS_MAX_APPS: String(MAX_APPS) }),
});

const client = (app: string) =>
  new OpenAI({ apiKey: "sk-test", baseURL: `${tg.url}/openai/v1`, maxRetries: 0, defaultHeaders: { "x-tollgate-app": app } });
const ask = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "Say hello" }] };

async function scrape(): Promise<Exposition> {
  const res = await fetch(`${tg.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return parsePromText(await res.text());
}

/** Scrapes until the proxy has finished (and counted) `calls` calls — it records just after the client's end. */
const scrapeAfter = (calls: number) =>
  eventually(async () => {
    const text = await scrape();
    expect(text.sum("tollgate_requests_total")).toBe(calls);
    return text;
  });

describe("/metrics after real traffic through the proxy", () => {
  it("refuses scrapes without the metrics token", async () => {
    const res = await fetch(`${tg.url}/metrics`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("unauthorized");
    expect((await fetch(`${tg.url}/metrics`, { headers: { authorization: "Bearer nope" } })).status).toBe(401);
  });

  it("counts calls by outcome, tokens by type and the exact cost, each call once", async () => {
    const checkout = client("checkout");
    for (let i = 0; i < 3; i++) await checkout.chat.completions.create(ask);
    const stream = await checkout.chat.completions.create({ ...ask, stream: true });
    for await (const _ of stream) void _;
    await checkout.chat.completions.create({ ...ask, model: "gpt-4o-mini-500" }).catch(() => undefined);
    await checkout.chat.completions.create({ ...ask, model: "gpt-4o-mini-429" }).catch(() => undefined);

    const text = await scrapeAfter(6);
    const ok = { provider: "openai", model: "gpt-4o-mini", app: "checkout" };
    expect(text.value("tollgate_requests_total", { ...ok, outcome: "ok" })).toBe(4);
    expect(text.value("tollgate_requests_total", { model: "gpt-4o-mini-500", outcome: "upstream_error" })).toBe(1);
    expect(text.value("tollgate_requests_total", { model: "gpt-4o-mini-429", outcome: "rate_limited" })).toBe(1);

    const tokens = (type: string) => text.value("tollgate_tokens_total", { ...ok, type });
    expect(tokens("input")).toBe(4 * FAKE_USAGE.prompt_tokens);
    expect(tokens("cached_input")).toBe(4 * FAKE_USAGE.prompt_tokens_details.cached_tokens);
    expect(tokens("output")).toBe(4 * FAKE_USAGE.completion_tokens);
    expect(tokens("reasoning")).toBe(4 * FAKE_USAGE.completion_tokens_details.reasoning_tokens);
    expect(text.find("tollgate_tokens_total", { type: "cache_write" })).toHaveLength(0);
    // Failed calls carry no tokens.
    expect(text.find("tollgate_tokens_total", { model: "gpt-4o-mini-500" })).toHaveLength(0);

    // 4 × $0.00033 (gpt-4o-mini: 800 × 0.15 + 400 × 0.075 + 300 × 0.60 per 1M), as recorded per call.
    const recorded = (await tg.calls()).filter((c) => c.outcome === "ok").map((c) => c.costUsd);
    expect(recorded).toEqual(["0.00033", "0.00033", "0.00033", "0.00033"].map((v) => expect.stringMatching(new RegExp(`^${v}0*$`))));
    expect(text.value("tollgate_cost_usd_total", ok).toFixed(10)).toBe("0.0013200000");
    expect(text.find("tollgate_unpriced_requests_total")).toHaveLength(0);

    // Histograms: one duration sample per call; time to first token for the calls that got a first byte.
    expect(text.value("tollgate_request_duration_seconds_count", { model: "gpt-4o-mini", outcome: "ok" })).toBe(4);
    expect(text.value("tollgate_request_duration_seconds_bucket", { model: "gpt-4o-mini", outcome: "ok", le: "+Inf" })).toBe(4);
    expect(text.value("tollgate_request_duration_seconds_bucket", { model: "gpt-4o-mini", outcome: "ok", le: "600" })).toBe(4);
    expect(text.sum("tollgate_request_duration_seconds_count")).toBe(6);
    expect(text.value("tollgate_overhead_seconds_count", { provider: "openai" })).toBe(6);
    expect(text.value("tollgate_time_to_first_token_seconds_count", { model: "gpt-4o-mini" })).toBeGreaterThanOrEqual(1);
    // tg.calls() flushed the recorder: every call is in Postgres, and the recorder says so.
    const after = await scrape();
    expect(after.value("tollgate_recorder_written_total", { target: "database" })).toBe(6);
    expect(after.value("tollgate_recorder_queue_depth")).toBe(0);
    expect(after.sum("tollgate_recorder_dropped_total")).toBe(0);
  });

  it("counts a call the client cancels mid-stream exactly once", async () => {
    const before = (await scrape()).sum("tollgate_requests_total");
    const controller = new AbortController();
    const stream = await client("checkout").chat.completions.create(
      { ...ask, model: "gpt-4o-mini-slow", stream: true },
      { signal: controller.signal },
    );
    let chunks = 0;
    // The SDK ends the iteration quietly on abort; the upstream would have sent 6+ chunks.
    for await (const _ of stream) if (++chunks === 1) controller.abort();
    expect(chunks).toBeLessThan(6);
    const text = await scrapeAfter(before + 1);
    expect(text.value("tollgate_requests_total", { model: "gpt-4o-mini-slow" })).toBe(1);
    expect(text.value("tollgate_requests_total", { model: "gpt-4o-mini-slow", outcome: "client_cancelled" })).toBe(1);
    await new Promise((r) => setTimeout(r, 300)); // a late second count would show up by now
    const later = await scrape();
    expect(later.sum("tollgate_requests_total")).toBe(before + 1);
    // Tokens of the cancelled call (estimated: no usage arrived) match what was recorded for it.
    const call = (await tg.calls()).find((c) => c.model === "gpt-4o-mini-slow")!;
    expect(call.outcome).toBe("client_cancelled");
    expect(later.sum("tollgate_tokens_total", { model: "gpt-4o-mini-slow", type: "input" })).toBe(call.inputTokens);
    expect(later.sum("tollgate_tokens_total", { model: "gpt-4o-mini-slow", type: "output" })).toBe(call.outputTokens);
  });

  it("keeps the app label bounded under many distinct app names", async () => {
    const before = (await scrape()).sum("tollgate_requests_total");
    for (let i = 0; i < 25; i++) await client(`typo-app-${i}`).chat.completions.create(ask);
    const text = await scrapeAfter(before + 25);
    const apps = text.labelValues("tollgate_requests_total", "app");
    expect(apps.size).toBeLessThanOrEqual(MAX_APPS + 1);
    expect(apps).toContain("other");
    expect(apps).toContain("checkout");
    expect(text.labelValues("tollgate_tokens_total", "app").size).toBeLessThanOrEqual(MAX_APPS + 1);
    expect(text.sum("tollgate_tokens_total", { model: "gpt-4o-mini", type: "input" })).toBe((4 + 25) * FAKE_USAGE.prompt_tokens);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- report bodies are JSON checked field by field by the assertions below */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";
import { call } from "./fixtures.ts";

// Six calls with hand-picked exact costs; every expected figure below is worked out by hand from them.
const A = call({
  at: "2026-11-02T00:00:00.000Z",
  app: "checkout",
  user: "alice",
  costUsd: "0.0001234567890123",
  inputTokens: 1000,
  cachedInputTokens: 200,
  outputTokens: 50,
  latencyMs: 100,
  ttftMs: null,
});
const B = call({
  at: "2026-11-02T23:59:59.999Z",
  model: "gpt-4o",
  app: "search",
  user: "bob",
  costUsd: "0.0000000000000001",
  inputTokens: 10,
  outputTokens: 1,
  latencyMs: 200,
  ttftMs: null,
});
const C = call({
  at: "2026-11-03T00:00:00.000Z",
  provider: "anthropic",
  model: "claude-sonnet-4-5",
  endpoint: "/v1/messages",
  app: "checkout",
  user: "alice",
  costUsd: "1.5000000000000000",
  fees: [{ kind: "web_search", count: 3, usd: "0.03" }],
  feesUsd: "0.03",
  inputTokens: 5000,
  cacheWriteTokens: 1000,
  outputTokens: 700,
  stream: true,
  latencyMs: 300,
  ttftMs: 30,
});
const D = call({
  at: "2026-11-03T10:30:00.000Z",
  model: null,
  app: "search",
  outcome: "upstream_error",
  status: 500,
  errorType: "server_error",
  errorMessage: "The server had an error",
  usageSource: "none",
  costUsd: null,
  priceId: null,
  priced: false,
  latencyMs: 400,
  ttftMs: 399,
});
const E = call({
  at: "2026-11-03T11:00:00.000Z",
  model: "gpt-9",
  app: "search",
  user: "bob",
  costUsd: null,
  priceId: null,
  priced: false,
  inputTokens: 100,
  outputTokens: 10,
  outcome: "rate_limited",
  status: 429,
  errorType: "rate_limit_exceeded",
  errorMessage: "Rate limit reached",
  latencyMs: 500,
  ttftMs: null,
});
const F = call({
  at: "2026-12-01T00:00:00.000Z",
  provider: "anthropic",
  model: "claude-sonnet-4-5",
  app: "checkout",
  costUsd: "2.0000000000000009",
  inputTokens: 3000,
  outputTokens: 100,
  reasoningTokens: 20,
  stream: true,
  latencyMs: 600,
  ttftMs: 60,
});
const CALLS: CallRecord[] = [A, B, C, D, E, F];

const RANGE = "from=2026-11-01T00:00:00Z&to=2026-12-02T00:00:00Z";
let tg: TestTollgate;

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${tg.url}${path}`);
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  tg = await startTestTollgate();
  expect(await insertCalls(tg.tollgate.db.pool, CALLS)).toBe(6);
});
afterAll(async () => {
  await tg?.close();
});

const zeroTokens = { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };

describe("GET /api/spend", () => {
  it("totals equal the sum of the calls to the last decimal, with tokens by kind and unpriced calls", async () => {
    const { status, body } = await get(`/api/spend?${RANGE}&interval=day`);
    expect(status).toBe(200);
    expect(body.totals).toEqual({
      costUsd: "3.5001234567890133",
      feesUsd: "0.03",
      calls: 6,
      unpricedCalls: 1,
      inputTokens: 9110,
      cachedInputTokens: 200,
      cacheWriteTokens: 1000,
      outputTokens: 861,
      reasoningTokens: 20,
    });
    expect(body).toMatchObject({ from: "2026-11-01T00:00:00.000Z", to: "2026-12-02T00:00:00.000Z", interval: "day", groupBy: "provider" });
  });

  it("buckets by UTC day: 23:59:59.999 and 00:00:00.000 fall on their own days", async () => {
    const { body } = await get(`/api/spend?${RANGE}&interval=day`);
    expect(body.series.map((s: any) => [s.bucket, s.group, s.costUsd, s.calls, s.unpricedCalls])).toEqual([
      ["2026-11-02T00:00:00.000Z", "openai", "0.0001234567890124", 2, 0],
      ["2026-11-03T00:00:00.000Z", "anthropic", "1.5", 1, 0],
      ["2026-11-03T00:00:00.000Z", "openai", "0", 2, 1],
      ["2026-12-01T00:00:00.000Z", "anthropic", "2.0000000000000009", 1, 0],
    ]);
    expect(body.groups).toEqual([
      {
        key: "anthropic",
        keys: { provider: "anthropic" },
        costUsd: "3.5000000000000009",
        feesUsd: "0.03",
        calls: 2,
        unpricedCalls: 0,
        inputTokens: 8000,
        cachedInputTokens: 0,
        cacheWriteTokens: 1000,
        outputTokens: 800,
        reasoningTokens: 20,
      },
      {
        key: "openai",
        keys: { provider: "openai" },
        costUsd: "0.0001234567890124",
        feesUsd: "0",
        calls: 4,
        unpricedCalls: 1,
        inputTokens: 1110,
        cachedInputTokens: 200,
        cacheWriteTokens: 0,
        outputTokens: 61,
        reasoningTokens: 0,
      },
    ]);
  });

  it("buckets by hour and by month", async () => {
    const hourly = (await get(`/api/spend?${RANGE}&interval=hour`)).body;
    expect(hourly.series.map((s: any) => [s.bucket, s.group, s.calls])).toEqual([
      ["2026-11-02T00:00:00.000Z", "openai", 1],
      ["2026-11-02T23:00:00.000Z", "openai", 1],
      ["2026-11-03T00:00:00.000Z", "anthropic", 1],
      ["2026-11-03T10:00:00.000Z", "openai", 1],
      ["2026-11-03T11:00:00.000Z", "openai", 1],
      ["2026-12-01T00:00:00.000Z", "anthropic", 1],
    ]);
    const monthly = (await get(`/api/spend?${RANGE}&interval=month`)).body;
    expect(monthly.series.map((s: any) => [s.bucket, s.group, s.costUsd, s.calls])).toEqual([
      ["2026-11-01T00:00:00.000Z", "anthropic", "1.5", 1],
      ["2026-11-01T00:00:00.000Z", "openai", "0.0001234567890124", 4],
      ["2026-12-01T00:00:00.000Z", "anthropic", "2.0000000000000009", 1],
    ]);
  });

  it("groups by app, model and user, largest cost first; calls without a model or user are (none)", async () => {
    const keys = async (groupBy: string) =>
      (await get(`/api/spend?${RANGE}&groupBy=${groupBy}`)).body.groups.map((g: any) => [g.key, g.costUsd, g.calls]);
    expect(await keys("app")).toEqual([
      ["checkout", "3.5001234567890132", 3],
      ["search", "0.0000000000000001", 3],
    ]);
    expect(await keys("model")).toEqual([
      ["claude-sonnet-4-5", "3.5000000000000009", 2],
      ["gpt-4o-mini", "0.0001234567890123", 1],
      ["gpt-4o", "0.0000000000000001", 1],
      ["(none)", "0", 1],
      ["gpt-9", "0", 1],
    ]);
    expect(await keys("user")).toEqual([
      ["(none)", "2.0000000000000009", 2],
      ["alice", "1.5001234567890123", 2],
      ["bob", "0.0000000000000001", 2],
    ]);
  });

  it("filters by provider, app, model and outcome (exact match), and the range end is exclusive", async () => {
    const totals = async (q: string) => (await get(`/api/spend?${RANGE}&${q}`)).body.totals;
    expect(await totals("provider=anthropic")).toMatchObject({ costUsd: "3.5000000000000009", calls: 2 });
    expect(await totals("app=search&model=gpt-9")).toMatchObject({ costUsd: "0", calls: 1, unpricedCalls: 1, inputTokens: 100 });
    expect(await totals("outcome=upstream_error")).toEqual({ costUsd: "0", feesUsd: "0", calls: 1, unpricedCalls: 0, ...zeroTokens });
    expect(await totals("provider=nobody")).toEqual({ costUsd: "0", feesUsd: "0", calls: 0, unpricedCalls: 0, ...zeroTokens });
    const edge = (await get("/api/spend?from=2026-11-02T00:00:00.001Z&to=2026-12-01T00:00:00Z")).body.totals;
    expect(edge).toMatchObject({ costUsd: "1.5000000000000001", calls: 4 });
  });

  it("answers 400 naming the bad parameter", async () => {
    const cases: Array<[string, RegExp]> = [
      ["from=yesterday", /^from: /],
      ["to=2026-13-45", /^to: /],
      ["groupBy=team", /^groupBy: /],
      ["interval=week", /^interval: /],
      ["outcome=boom", /^outcome: /],
      ["from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", /^from: must be before to/],
    ];
    for (const route of ["spend", "failures", "latency"]) {
      for (const [query, message] of cases) {
        const { status, body } = await get(`/api/${route}?${query}`);
        expect(status, `${route}?${query}`).toBe(400);
        expect(body.error.type).toBe("invalid_request");
        expect(body.error.message).toMatch(message);
      }
    }
  });
});

describe("GET /api/failures", () => {
  it("counts failures by outcome per group and bucket, with rates", async () => {
    const { status, body } = await get(`/api/failures?${RANGE}&interval=day`);
    expect(status).toBe(200);
    expect(body.totals).toEqual({ calls: 6, failures: 2, errorRate: 2 / 6, byOutcome: { ok: 4, upstream_error: 1, rate_limited: 1 } });
    expect(body.groups).toEqual([
      { key: "openai", calls: 4, failures: 2, errorRate: 0.5, byOutcome: { ok: 2, upstream_error: 1, rate_limited: 1 } },
      { key: "anthropic", calls: 2, failures: 0, errorRate: 0, byOutcome: { ok: 2 } },
    ]);
    expect(body.series).toEqual([
      { bucket: "2026-11-02T00:00:00.000Z", group: "openai", calls: 2, failures: 0, errorRate: 0, byOutcome: { ok: 2 } },
      { bucket: "2026-11-03T00:00:00.000Z", group: "anthropic", calls: 1, failures: 0, errorRate: 0, byOutcome: { ok: 1 } },
      {
        bucket: "2026-11-03T00:00:00.000Z",
        group: "openai",
        calls: 2,
        failures: 2,
        errorRate: 1,
        byOutcome: { upstream_error: 1, rate_limited: 1 },
      },
      { bucket: "2026-12-01T00:00:00.000Z", group: "anthropic", calls: 1, failures: 0, errorRate: 0, byOutcome: { ok: 1 } },
    ]);
  });

  it("lists top errors with their latest call, newest first among equal counts", async () => {
    const { body } = await get(`/api/failures?${RANGE}`);
    expect(body.topErrors).toEqual([
      {
        provider: "openai",
        app: "search",
        model: "gpt-9",
        status: 429,
        outcome: "rate_limited",
        errorType: "rate_limit_exceeded",
        errorMessage: "Rate limit reached",
        count: 1,
        lastSeen: "2026-11-03T11:00:00.000Z",
        lastCallId: E.id,
      },
      {
        provider: "openai",
        app: "search",
        model: null,
        status: 500,
        outcome: "upstream_error",
        errorType: "server_error",
        errorMessage: "The server had an error",
        count: 1,
        lastSeen: "2026-11-03T10:30:00.000Z",
        lastCallId: D.id,
      },
    ]);
    const filtered = (await get(`/api/failures?${RANGE}&outcome=upstream_error&groupBy=app`)).body;
    expect(filtered.topErrors.map((e: any) => e.lastCallId)).toEqual([D.id]);
    expect(filtered.groups).toEqual([{ key: "search", calls: 1, failures: 1, errorRate: 1, byOutcome: { upstream_error: 1 } }]);
  });
});

describe("GET /api/latency", () => {
  it("gives exact percentiles for short or user-grouped ranges, null where there are no samples", async () => {
    const { body } = await get(`/api/latency?from=2026-11-02T00:00:00Z&to=2026-11-02T02:00:00Z`);
    expect(body.percentiles).toBe("exact");
    expect(body.totals).toEqual({
      calls: 1,
      latencyMs: { p50: 100, p90: 100, p95: 100, p99: 100 },
      ttftMs: { p50: null, p90: null, p95: null, p99: null },
    });
    const users = (await get(`/api/latency?${RANGE}&groupBy=user`)).body;
    expect(users.percentiles).toBe("exact");
    // alice: A (100) and C (300): percentile_cont interpolates between them.
    expect(users.groups.find((g: any) => g.key === "alice")).toEqual({
      key: "alice",
      calls: 2,
      latencyMs: { p50: 200, p90: 280, p95: 290, p99: 298 },
      ttftMs: { p50: 30, p90: 30, p95: 30, p99: 30 },
    });
  });

  it("reads rollup histograms for long ranges, within the documented error bound, and lists the slowest calls", async () => {
    const { status, body } = await get(`/api/latency?${RANGE}`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.percentiles).toBe("histogram");
    expect(body.totals.calls).toBe(6);
    // exact over 100..600 ms: p50 350, p90 550, p95 575, p99 595; the histogram is within 4.43%
    for (const [p, exact] of [
      ["p50", 350],
      ["p90", 550],
      ["p95", 575],
      ["p99", 595],
    ] as const)
      expect(Math.abs(body.totals.latencyMs[p] - exact)).toBeLessThan(exact * 0.0443);
    expect(body.slowest.map((s: any) => s.id)).toEqual([F.id, E.id, D.id, C.id, B.id, A.id]);
    expect(body.slowest[0]).toEqual({
      id: F.id,
      startedAt: "2026-12-01T00:00:00.000Z",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      app: "checkout",
      outcome: "ok",
      latencyMs: 600,
      ttftMs: 60,
    });
  });
});

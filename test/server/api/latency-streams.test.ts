/* eslint-disable @typescript-eslint/no-explicit-any -- answers are JSON checked field by field */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";
import { call } from "./fixtures.ts";

const CALLS: CallRecord[] = [
  call({ at: "2026-11-10T10:01:00Z", model: "a", stream: true, latencyMs: 1100, ttftMs: 100, outputTokens: 500 }),
  call({ at: "2026-11-10T10:02:00Z", model: "a", stream: true, latencyMs: 2100, ttftMs: 100, outputTokens: 1000 }),
  call({ at: "2026-11-10T10:03:00Z", model: "a", stream: false, latencyMs: 1000, ttftMs: 900, outputTokens: 300 }),
  call({
    at: "2026-11-10T10:04:00Z",
    model: "a",
    stream: true,
    latencyMs: 600_000,
    ttftMs: 50,
    outputTokens: 10,
    outcome: "timeout",
    status: 504,
  }),
  call({ at: "2026-11-10T10:05:00Z", model: "b", stream: true, latencyMs: 600, ttftMs: 200, outputTokens: 100 }),
  // a stream with no output tokens tells nothing about speed
  call({ at: "2026-11-10T10:06:00Z", model: "b", stream: true, latencyMs: 300, ttftMs: 300, outputTokens: 0 }),
];
const HOUR = "from=2026-11-10T10:00:00Z&to=2026-11-10T11:00:00Z";
let tg: TestTollgate;

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${tg.url}${path}`);
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  tg = await startTestTollgate();
  expect(await insertCalls(tg.tollgate.db.pool, CALLS)).toBe(CALLS.length);
});
afterAll(async () => {
  await tg?.close();
});

describe("GET /api/latency/streams", () => {
  it("splits TTFT by streamed and non-streamed successful calls and measures tokens per second of streams", async () => {
    const { status, body } = await get(`/api/latency/streams?${HOUR}`);
    expect(status).toBe(200);
    expect(body.outcome).toBe("ok");
    expect(body.groupBy).toBe("model");
    const a = body.groups.find((g: any) => g.key === "a");
    expect(a.streamed).toEqual({ calls: 2, ttftMs: { p50: 100, p90: 100, p95: 100, p99: 100 } });
    expect(a.nonStreamed).toEqual({ calls: 1, ttftMs: { p50: 900, p90: 900, p95: 900, p99: 900 } });
    // (500 + 1000) output tokens over (1000 + 2000) ms of generation
    expect([a.generationCalls, a.outputTokens, a.generationMs, a.tokensPerSecond]).toEqual([2, 1500, 3000, 500]);
    const b = body.groups.find((g: any) => g.key === "b");
    expect([b.streamed.calls, b.generationCalls, b.tokensPerSecond]).toEqual([2, 1, 250]);
    expect(body.groups.map((g: any) => g.key)).toEqual(["a", "b"]);
    // (1500 + 100) / (3000 + 400) ms
    expect(body.totals.tokensPerSecond).toBe(470.59);
    expect(body.totals.streamed.calls).toBe(4);
  });

  it("counts failed calls' TTFT only when asked, never their speed", async () => {
    const all = (await get(`/api/latency/streams?${HOUR}&outcome=all&model=a`)).body;
    expect(all.groups.map((g: any) => [g.key, g.streamed.calls, g.streamed.ttftMs.p50, g.tokensPerSecond])).toEqual([["a", 3, 100, 500]]);
    const failed = (await get(`/api/latency/streams?${HOUR}&outcome=failed`)).body;
    expect(failed.groups.map((g: any) => [g.key, g.streamed.calls, g.streamed.ttftMs.p50, g.tokensPerSecond])).toEqual([
      ["a", 1, 50, null],
    ]);
  });

  it("answers 400 for a bad outcome or a range over 31 days", async () => {
    const bad = await get(`/api/latency/streams?${HOUR}&outcome=broken`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^outcome:/);
    const long = await get(`/api/latency/streams?from=2026-10-01T00:00:00Z&to=2026-11-02T00:00:00Z`);
    expect(long.status).toBe(400);
    expect(long.body.error.message).toContain("31 days");
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- report bodies are JSON checked field by field by the assertions below */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";
import { call } from "./fixtures.ts";

// Calls of one hour: an old 400 recorded before bad_request existed (upstream_error), a new one, a 500.
const CALLS: CallRecord[] = [
  call({ at: "2026-11-10T10:00:10.000Z" }),
  call({
    at: "2026-11-10T10:03:59.999Z",
    outcome: "upstream_error",
    status: 400,
    errorType: "invalid_request_error",
    errorMessage: "old",
    costUsd: null,
    priced: false,
    usageSource: "none",
  }),
  call({
    at: "2026-11-10T10:04:00.000Z",
    outcome: "bad_request",
    status: 400,
    errorType: "context_length_exceeded",
    errorMessage: "too long",
    costUsd: null,
    priced: false,
    usageSource: "none",
  }),
  call({
    at: "2026-11-10T10:04:30.000Z",
    outcome: "upstream_error",
    status: 500,
    errorType: "server_error",
    errorMessage: "boom",
    costUsd: null,
    priced: false,
    usageSource: "none",
  }),
  call({ at: "2026-11-10T10:12:00.000Z" }),
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

const series = (body: any) => body.series.map((s: any) => [s.bucket, s.calls, s.failures, s.byOutcome]);

describe("GET /api/failures with minute buckets", () => {
  it("counts calls per minute from the raw calls", async () => {
    const { status, body } = await get(`/api/failures?${HOUR}&interval=minute`);
    expect(status).toBe(200);
    expect(body.interval).toBe("minute");
    expect(series(body)).toEqual([
      ["2026-11-10T10:00:00.000Z", 1, 0, { ok: 1 }],
      ["2026-11-10T10:03:00.000Z", 1, 1, { upstream_error: 1 }],
      ["2026-11-10T10:04:00.000Z", 2, 2, { upstream_error: 1, bad_request: 1 }],
      ["2026-11-10T10:12:00.000Z", 1, 0, { ok: 1 }],
    ]);
  });

  it("counts calls per 5 minutes, aligned on UTC", async () => {
    const { body } = await get(`/api/failures?${HOUR}&interval=5minute`);
    expect(series(body)).toEqual([
      ["2026-11-10T10:00:00.000Z", 4, 3, { ok: 1, upstream_error: 2, bad_request: 1 }],
      ["2026-11-10T10:10:00.000Z", 1, 0, { ok: 1 }],
    ]);
  });

  it("refuses minute buckets over more than 6 hours", async () => {
    const { status, body } = await get(`/api/failures?from=2026-11-10T00:00:00Z&to=2026-11-10T06:00:01Z&interval=minute`);
    expect(status).toBe(400);
    expect(body.error.message).toContain("interval");
    expect((await get(`/api/spend?${HOUR}&interval=minute`)).status).toBe(400);
  });

  it("filters on bad_request and still on upstream_error for rows recorded before it", async () => {
    const bad = (await get(`/api/failures?${HOUR}&outcome=bad_request`)).body;
    expect(bad.totals.byOutcome).toEqual({ bad_request: 1 });
    expect(bad.topErrors).toEqual([
      expect.objectContaining({
        outcome: "bad_request",
        status: 400,
        errorType: "context_length_exceeded",
        app: "checkout",
        model: "gpt-4o-mini",
      }),
    ]);
    const old = (await get(`/api/failures?${HOUR}&outcome=upstream_error`)).body;
    expect(old.totals.byOutcome).toEqual({ upstream_error: 2 });
    const calls = (await get(`/api/calls?${HOUR}&outcome=upstream_error`)).body.calls;
    expect(calls.map((c: any) => c.status).sort()).toEqual([400, 500]);
  });
});

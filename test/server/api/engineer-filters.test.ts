/* eslint-disable @typescript-eslint/no-explicit-any -- answers are JSON checked field by field */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";
import { call } from "./fixtures.ts";

const failed = { costUsd: null, priced: false, usageSource: "none" as const };
const CALLS: CallRecord[] = [
  call({ at: "2026-11-10T10:01:00Z", latencyMs: 100, costUsd: "0.0000000000000001", user: "alice" }),
  call({ at: "2026-11-10T10:02:00Z", latencyMs: 200, costUsd: "0.0100000000000001", user: "bob" }),
  call({ at: "2026-11-10T10:03:00Z", latencyMs: 300, costUsd: "0.01", user: "alice" }),
  call({ at: "2026-11-10T10:04:00Z", latencyMs: 600_000, outcome: "timeout", status: 504, ...failed }),
  call({ at: "2026-11-10T10:05:00Z", latencyMs: 40, outcome: "rate_limited", status: 429, ...failed }),
  call({ at: "2026-11-10T10:06:00Z", latencyMs: 50, outcome: "rate_limited", status: 429, ...failed }),
  call({ at: "2026-11-10T14:30:00Z", latencyMs: 250 }),
];
const HOUR = "from=2026-11-10T10:00:00Z&to=2026-11-10T11:00:00Z";
let tg: TestTollgate;

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${tg.url}${path}`);
  return { status: res.status, body: await res.json() };
}
const latencies = async (query: string) =>
  (await get(`/api/calls?${HOUR}&${query}`)).body.calls.map((c: any) => c.latencyMs).sort((a: number, b: number) => a - b);

beforeAll(async () => {
  tg = await startTestTollgate();
  expect(await insertCalls(tg.tollgate.db.pool, CALLS)).toBe(CALLS.length);
});
afterAll(async () => {
  await tg?.close();
});

describe("GET /api/calls filters", () => {
  it("filters on any failure, status, latency above, cost above (exact) and user", async () => {
    expect(await latencies("outcome=failed")).toEqual([40, 50, 600_000]);
    expect(await latencies("status=429")).toEqual([40, 50]);
    expect(await latencies("latencyAboveMs=200")).toEqual([300, 600_000]);
    // 0.0100000000000001 is above 0.01; 0.01 itself is not; unpriced calls never are
    expect(await latencies("costAboveUsd=0.01")).toEqual([200]);
    expect(await latencies("costAboveUsd=0")).toEqual([100, 200, 300]);
    expect(await latencies("user=alice")).toEqual([100, 300]);
    expect(await latencies("outcome=failed&latencyAboveMs=45")).toEqual([50, 600_000]);
  });

  it("applies them to the CSV export too", async () => {
    const res = await fetch(`${tg.url}/api/calls.csv?${HOUR}&status=429`);
    expect(res.status).toBe(200);
    expect((await res.text()).trim().split("\n")).toHaveLength(3);
  });

  it("answers 400 naming a bad filter", async () => {
    for (const [q, name] of [
      ["status=4290", "status"],
      ["status=abc", "status"],
      ["latencyAboveMs=-1", "latencyAboveMs"],
      ["costAboveUsd=1%2C5", "costAboveUsd"],
      ["costAboveUsd=-1", "costAboveUsd"],
      ["outcome=failure", "outcome"],
    ]) {
      const { status, body } = await get(`/api/calls?${HOUR}&${q}`);
      expect(status, q).toBe(400);
      expect(body.error.message, q).toMatch(new RegExp(`^${name}:`));
    }
  });
});

describe("GET /api/latency outcome filters", () => {
  it("measures successes only when asked, any failure, and keeps the slowest list's own filter", async () => {
    const ok = (await get(`/api/latency?${HOUR}&outcome=ok`)).body;
    expect([ok.totals.calls, ok.totals.latencyMs.p50]).toEqual([3, 200]);
    expect(ok.slowest.map((c: any) => c.latencyMs)).toEqual([300, 200, 100]);
    const all = (await get(`/api/latency?${HOUR}`)).body;
    expect(all.totals.calls).toBe(6);
    expect(all.slowest[0].outcome).toBe("timeout");
    const failures = (await get(`/api/latency?${HOUR}&outcome=failed`)).body;
    expect(failures.totals.calls).toBe(3);
    const timeouts = (await get(`/api/latency?${HOUR}&outcome=ok&slowestOutcome=timeout`)).body;
    expect([timeouts.totals.calls, timeouts.slowest.map((c: any) => c.outcome)]).toEqual([3, ["timeout"]]);
    const every = (await get(`/api/latency?${HOUR}&outcome=ok&slowestOutcome=all`)).body;
    expect(every.slowest).toHaveLength(6);
    const bad = await get(`/api/latency?${HOUR}&slowestOutcome=slow`);
    expect([bad.status, bad.body.error.message.split(":")[0]]).toEqual([400, "slowestOutcome"]);
  });

  it("filters successes from the rollups over longer ranges, and any failure on the failures report", async () => {
    const day = "from=2026-11-10T00:00:00Z&to=2026-11-11T00:00:00Z";
    const ok = (await get(`/api/latency?${day}&outcome=ok`)).body;
    expect([ok.percentiles, ok.totals.calls]).toEqual(["histogram", 4]);
    const failures = (await get(`/api/failures?${day}&outcome=failed`)).body;
    expect(failures.totals.byOutcome).toEqual({ timeout: 1, rate_limited: 2 });
  });
});

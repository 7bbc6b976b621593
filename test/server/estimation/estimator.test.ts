import { afterEach, describe, expect, it } from "vitest";
import { estimateCallUsage } from "../../../server/src/estimation/estimate.ts";
import { TokenEstimator } from "../../../server/src/estimation/estimator.ts";
import { MAX_ENCODED_CHARS } from "../../../server/src/estimation/tokenizer.ts";
import { CallState } from "../../../server/src/proxy/call-state.ts";
import { openai } from "../../../server/src/providers/openai/adapter.ts";
import { gate, GATED_ESTIMATOR_WORKER as GATED, whenHeld } from "../../support/estimator-gate.ts";

/** A finished chat call the provider reported no usage for: `prompt` in, `reply` out. */
function callWithout(prompt: string, reply: string): CallState {
  const call = new CallState(
    "01900000-0000-7000-8000-000000000000",
    Date.now(),
    0,
    { name: "openai", baseUrl: "http://x", format: "openai", priceProvider: "openai", apiKey: undefined },
    openai,
    { app: null, user: null, properties: null },
  );
  call.info = { endpoint: "chat.completions", metered: true, model: "gpt-4o", stream: false, deployment: null };
  call.json = { model: "gpt-4o", messages: [{ role: "user", content: prompt }] };
  call.facts.outputText = reply;
  return call;
}

const estimators: TokenEstimator[] = [];
function estimator(...args: ConstructorParameters<typeof TokenEstimator>): TokenEstimator {
  const e = new TokenEstimator(...args);
  estimators.push(e);
  return e;
}
afterEach(async () => {
  for (const e of estimators.splice(0)) await e.close();
});

describe("TokenEstimator", () => {
  it("counts in its worker what the tokenizer counts on the event loop, long texts included", async () => {
    const e = estimator();
    const short = callWithout("Say hello", "Hello! How can I help you today?");
    const long = callWithout("lorem ipsum dolor sit amet ".repeat(Math.ceil((MAX_ENCODED_CHARS * 2) / 27)), "x".repeat(5_000));
    expect(await e.estimate(short)).toEqual(estimateCallUsage(short));
    expect(await e.estimate(long)).toEqual(estimateCallUsage(long));
    expect(e.waiting).toBe(0);
  });

  it("answers at once when there is nothing to count", () => {
    const empty = callWithout("", "");
    empty.json = undefined; // a request that was not JSON, and no output
    expect(estimator().estimate(empty)).toBeUndefined();
  });

  it("refuses estimates beyond its queue bound (the call is then recorded without one)", () => {
    const e = estimator({ entry: GATED, maxPending: 2 });
    void e.estimate(callWithout("a", "b"))?.catch(() => {});
    void e.estimate(callWithout("a", "b"))?.catch(() => {});
    expect(() => e.estimate(callWithout("a", "b"))).toThrow(/queue full/);
    const chars = estimator({ entry: GATED, maxPendingChars: 10 });
    expect(() => chars.estimate(callWithout("a long prompt", "b"))).toThrow(/queue full/);
  });

  it("a worker crash fails the estimates in flight; the next estimate starts a new worker", async () => {
    const e = estimator({ entry: GATED });
    const held = whenHeld(2);
    const first = e.estimate(callWithout("Say hello", "Hello"));
    const second = e.estimate(callWithout("Say hi", "Hi"));
    await held;
    gate("crash");
    await expect(first).rejects.toThrow(/exited/);
    await expect(second).rejects.toThrow(/exited/);
    expect(e.waiting).toBe(0);
    const heldAgain = whenHeld(1);
    const third = e.estimate(callWithout("Say hello", "Hello"));
    await heldAgain;
    gate("release");
    expect(await third).toMatchObject({ outputTokens: 1 });
  });

  it("drain waits for the estimates in flight", async () => {
    const e = estimator({ entry: GATED });
    const held = whenHeld(1);
    const pending = e.estimate(callWithout("Say hello", "Hello"));
    await held;
    const drained = e.drain(60_000);
    gate("release");
    expect(await drained).toBe(0);
    expect(await pending).toMatchObject({ outputTokens: 1 });
  });

  it("drain is bounded: estimates still waiting then fail", async () => {
    const e = estimator({ entry: GATED });
    const pending = e.estimate(callWithout("Say hello", "Hello"));
    const outcome = pending?.then(
      () => "estimated",
      () => "failed",
    );
    expect(await e.drain(20)).toBe(1);
    expect(await outcome).toBe("failed");
    expect(e.waiting).toBe(0);
  });

  it("a stalled worker is replaced and its estimates fail", async () => {
    const e = estimator({ entry: GATED, stallMs: 50 });
    await expect(e.estimate(callWithout("Say hello", "Hello"))).rejects.toThrow(/stalled/);
    expect(e.waiting).toBe(0);
  });

  it("stops its worker when idle and starts one again for the next estimate; not after preload", async () => {
    const e = estimator({ idleMs: 1 });
    expect(e.running).toBe(false);
    expect(await e.estimate(callWithout("Say hello", "Hello"))).toMatchObject({ outputTokens: 1 });
    while (e.running) await new Promise((r) => setTimeout(r, 10));
    expect(await e.estimate(callWithout("Say hello", "Hello"))).toMatchObject({ outputTokens: 1 });
    const preloaded = estimator({ idleMs: 1 });
    await new Promise((resolve) => preloaded.preload(resolve));
    expect(await preloaded.estimate(callWithout("Say hello", "Hello"))).toMatchObject({ outputTokens: 1 });
    await new Promise((r) => setTimeout(r, 50));
    expect(preloaded.running).toBe(true);
  });

  it("refuses estimates once closed", async () => {
    const e = estimator();
    await e.close();
    expect(() => e.estimate(callWithout("a", "b"))).toThrow(/closed/);
  });
});

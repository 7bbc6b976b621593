import { describe, expect, it } from "vitest";
import { createMetrics, LabelLimiter, OTHER } from "../../../server/src/metrics/index.ts";
import { parsePromText } from "../../support/prom-text.ts";
import { callRecord } from "../../support/call-record.ts";

/** App names an attacker or a buggy client might send: typos, quotes, newlines, escapes, huge, unicode. */
function hostileName(i: number): string {
  const shapes = [
    `app-${i}`,
    `checkout${"x".repeat(i % 7)}-${i}`,
    `evil"} 1\n# TYPE x counter\nx{a="${i}`,
    `back\\slash\\${i}`,
    `${"a".repeat(5000)}${i}`,
    `ünïcødé-🚀-${i}`,
    ` spaced ${i} `,
  ];
  return shapes[i % shapes.length]!;
}

describe("label bounds", () => {
  it("500 hostile app names produce at most maxApps + 1 app values, and a parsable exposition", async () => {
    const maxApps = 20;
    const metrics = createMetrics({ maxApps, maxModels: 10, defaultMetrics: false });
    for (let i = 0; i < 500; i++) metrics.observeCall(callRecord({ app: hostileName(i), inputTokens: 3, costUsd: "0.0000010000" }));
    const text = parsePromText(await metrics.registry.metrics());
    for (const name of ["tollgate_requests_total", "tollgate_tokens_total", "tollgate_cost_usd_total"]) {
      const apps = text.labelValues(name, "app");
      expect(apps.size).toBeLessThanOrEqual(maxApps + 1);
      expect(apps).toContain(OTHER);
    }
    expect(text.sum("tollgate_requests_total")).toBe(500);
    expect(text.sum("tollgate_tokens_total", { type: "input" })).toBe(1500);
    expect(text.find("tollgate_requests_total")).toHaveLength(maxApps + 1);
    // An injected newline must not forge a metric: every sample belongs to a declared family.
    expect(text.names().has("x")).toBe(false);
    // Admitted hostile values round-trip through the escaping intact.
    expect(text.labelValues("tollgate_requests_total", "app")).toContain(hostileName(2));
  });

  it("bounds models the same way and leaves provider and outcome alone", async () => {
    const metrics = createMetrics({ maxApps: 5, maxModels: 3, defaultMetrics: false });
    for (let i = 0; i < 200; i++) metrics.observeCall(callRecord({ model: `gpt-typo-${i}`, app: `a${i % 3}` }));
    const text = parsePromText(await metrics.registry.metrics());
    expect(text.labelValues("tollgate_requests_total", "model")).toEqual(new Set(["gpt-typo-0", "gpt-typo-1", "gpt-typo-2", OTHER]));
    expect(text.labelValues("tollgate_request_duration_seconds_count", "model").size).toBe(4);
    expect(text.value("tollgate_requests_total", { model: OTHER, app: "a0" })).toBe(66);
  });

  it("keeps pinned apps named even after the limit is reached", async () => {
    const metrics = createMetrics({ maxApps: 2, maxModels: 2, defaultMetrics: false });
    metrics.pinApp("billing");
    for (let i = 0; i < 10; i++) metrics.observeCall(callRecord({ app: `noise-${i}` }));
    metrics.observeCall(callRecord({ app: "billing" }));
    const text = parsePromText(await metrics.registry.metrics());
    expect(text.value("tollgate_requests_total", { app: "billing" })).toBe(1);
    expect(text.value("tollgate_requests_total", { app: OTHER })).toBe(8);
  });
});

describe("LabelLimiter", () => {
  it("admits the first N distinct values and maps the rest to other", () => {
    const limiter = new LabelLimiter(2);
    expect(limiter.map("a")).toBe("a");
    expect(limiter.map("b")).toBe("b");
    expect(limiter.map("a")).toBe("a");
    expect(limiter.map("c")).toBe(OTHER);
    expect(limiter.map("b")).toBe("b");
    expect(limiter.size).toBe(2);
  });

  it("does not spend slots on other, always-values, empty or over-long values", () => {
    const limiter = new LabelLimiter(1, { always: ["none"], maxLength: 8 });
    expect(limiter.map(OTHER)).toBe(OTHER);
    expect(limiter.map("none")).toBe("none");
    expect(limiter.map("")).toBe(OTHER);
    expect(limiter.map("much-too-long")).toBe(OTHER);
    expect(limiter.map("ok")).toBe("ok");
    expect(limiter.map("late")).toBe(OTHER);
  });

  it("returns the admitted string instance, so callers can key caches on it", () => {
    const limiter = new LabelLimiter(5);
    const first = ["ap", "p"].join("");
    expect(limiter.map(first)).toBe(first);
    expect(Object.is(limiter.map("app"), first)).toBe(true);
  });

  it("rejects a bad limit", () => {
    expect(() => new LabelLimiter(-1)).toThrow(RangeError);
    expect(() => new LabelLimiter(1.5)).toThrow(RangeError);
  });
});

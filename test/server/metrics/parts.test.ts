import { describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { createMetrics } from "../../../server/src/metrics/index.ts";
import { CellCounter, CellHistogram } from "../../../server/src/metrics/cells.ts";
import { parsePromText } from "../../support/prom-text.ts";
import { callRecord } from "../../support/call-record.ts";

const fresh = () => createMetrics({ maxApps: 5, maxModels: 5, defaultMetrics: false });

describe("recorder metrics", () => {
  it("exposes queue depth, spool, drops, writes and batch durations", async () => {
    const metrics = fresh();
    metrics.recorder.setQueueDepth(12);
    metrics.recorder.setSpooledRecords(3);
    metrics.recorder.addDropped(2, "queue_full");
    metrics.recorder.addWritten(500);
    metrics.recorder.addWritten(20, "spool");
    metrics.recorder.addWritten(0, "spool");
    metrics.recorder.observeBatch(0.004);
    metrics.recorder.observeBatch(2, "error");
    const text = parsePromText(await metrics.registry.metrics());
    expect(text.value("tollgate_recorder_queue_depth")).toBe(12);
    expect(text.value("tollgate_recorder_spooled_records")).toBe(3);
    expect(text.value("tollgate_recorder_dropped_total", { reason: "queue_full" })).toBe(2);
    expect(text.value("tollgate_recorder_written_total", { target: "database" })).toBe(500);
    expect(text.value("tollgate_recorder_written_total", { target: "spool" })).toBe(20);
    expect(text.value("tollgate_recorder_batch_duration_seconds_bucket", { result: "ok", le: "0.005" })).toBe(1);
    expect(text.value("tollgate_recorder_batch_duration_seconds_count", { result: "error" })).toBe(1);
  });

  it("reads samplers at scrape time", async () => {
    const metrics = fresh();
    let depth = 1;
    metrics.recorder.sampleFrom({ queueDepth: () => depth, spooledRecords: () => 0 });
    expect(parsePromText(await metrics.registry.metrics()).value("tollgate_recorder_queue_depth")).toBe(1);
    depth = 4096;
    expect(parsePromText(await metrics.registry.metrics()).value("tollgate_recorder_queue_depth")).toBe(4096);
  });

  it("shows the alerting series at zero before anything happened", async () => {
    const text = parsePromText(await fresh().registry.metrics());
    expect(text.value("tollgate_recorder_dropped_total", { reason: "unknown" })).toBe(0);
    expect(text.value("tollgate_recorder_spooled_records")).toBe(0);
    expect(text.value("tollgate_recorder_written_total", { target: "database" })).toBe(0);
  });
});

describe("budget metrics", () => {
  it("sets and removes limit, spend, reservations and unpriced calls per budget (app and per-key)", async () => {
    const metrics = fresh();
    metrics.budget.set({
      budget: "app:checkout",
      app: "checkout",
      limitUsd: "100.00",
      spentUsd: "12.3400000000",
      reservedUsd: "0.5",
      unpricedCalls: 3,
    });
    metrics.budget.set({ budget: "key:k1", app: "checkout", limitUsd: "10", spentUsd: "2", reservedUsd: "0", unpricedCalls: 0 });
    metrics.budget.set({ budget: "app:search", app: "search", limitUsd: 50, spentUsd: 51, reservedUsd: 0, unpricedCalls: 0 });
    metrics.budget.remove("app:search", "search");
    const text = parsePromText(await metrics.registry.metrics());
    expect(text.value("tollgate_budget_limit_usd", { budget: "app:checkout", app: "checkout" })).toBe(100);
    expect(text.value("tollgate_budget_spent_usd", { budget: "app:checkout", app: "checkout" })).toBe(12.34);
    expect(text.value("tollgate_budget_reserved_usd", { budget: "app:checkout", app: "checkout" })).toBe(0.5);
    expect(text.value("tollgate_budget_unpriced_calls", { budget: "app:checkout", app: "checkout" })).toBe(3);
    expect(text.value("tollgate_budget_limit_usd", { budget: "key:k1", app: "checkout" })).toBe(10);
    for (const name of [
      "tollgate_budget_limit_usd",
      "tollgate_budget_spent_usd",
      "tollgate_budget_reserved_usd",
      "tollgate_budget_unpriced_calls",
    ]) {
      expect(text.find(name, { app: "search" })).toHaveLength(0);
    }
  });
});

describe("cell metrics", () => {
  it("count a value equal to a bound in that bucket, and values above every bound only in +Inf", async () => {
    const registry = new Registry();
    const hist = new CellHistogram(registry, "h_seconds", "test", [0.1, 1]);
    const cell = hist.cell({ k: "v" });
    for (const v of [0.1, 1, 7]) hist.observe(cell, v);
    const text = parsePromText(await registry.metrics());
    expect(text.value("h_seconds_bucket", { le: "0.1" })).toBe(1);
    expect(text.value("h_seconds_bucket", { le: "1" })).toBe(2);
    expect(text.value("h_seconds_bucket", { le: "+Inf" })).toBe(3);
    expect(text.value("h_seconds_sum")).toBeCloseTo(8.1, 12);
    expect(text.value("h_seconds_count", { k: "v" })).toBe(3);
  });

  it("reset zeroes cells in place, and cached cells keep counting afterwards", async () => {
    const registry = new Registry();
    const counter = new CellCounter(registry, "c_total", "test");
    const cell = counter.cell({ a: "1" });
    cell.value += 5;
    registry.resetMetrics();
    expect(parsePromText(await registry.metrics()).find("c_total")).toHaveLength(0);
    cell.value += 2;
    expect(parsePromText(await registry.metrics()).value("c_total", { a: "1" })).toBe(2);
  });

  it("rejects buckets that do not increase", () => {
    expect(() => new CellHistogram(new Registry(), "bad_seconds", "test", [1, 1])).toThrow(RangeError);
  });
});

describe("hot path", () => {
  it("observes a call in well under 10 µs once its labels are known", () => {
    const metrics = fresh();
    const records = Array.from({ length: 16 }, (_, i) =>
      callRecord({
        app: `app${i % 4}`,
        inputTokens: 900,
        cachedInputTokens: 100,
        outputTokens: 40,
        costUsd: "0.0001234000",
        ttftMs: i % 2 ? 200 : null,
      }),
    );
    for (let i = 0; i < 20_000; i++) metrics.observeCall(records[i & 15]!);
    const n = 200_000;
    // CPU time, not wall-clock time: on a machine busy with other work the loop is paused between time
    // slices, and those pauses are not the hot path's cost.
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) metrics.observeCall(records[i & 15]!);
    const used = process.cpuUsage(start);
    const perCallUs = (used.user + used.system) / n;
    expect(perCallUs).toBeLessThan(10);
  });
});

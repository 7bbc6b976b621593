import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { Recorder } from "../../../server/src/recording/recorder.ts";
import { Spool } from "../../../server/src/recording/spool.ts";
import { sampleRecord } from "./records.ts";

async function spooled(spool: Spool): Promise<CallRecord[]> {
  await spool.seal();
  const all: CallRecord[] = [];
  for (const name of spool.sealedSegments()) all.push(...(await spool.read(name)).records);
  return all;
}

function harness(options: { maxQueue: number; batchSize: number; maxBytes?: number }) {
  return Spool.open({ dir: mkdtempSync(join(tmpdir(), "tollgate-overflow-")), maxBytes: options.maxBytes ?? 1 << 20 }).then((spool) => {
    const written: CallRecord[] = [];
    const dropped: string[] = [];
    let release: () => void = () => {};
    let gate: Promise<void> | null = null;
    let failing = false;
    const attempts = { count: 0 };
    const recorder = new Recorder({
      batchSize: options.batchSize,
      flushMs: 5,
      maxQueue: options.maxQueue,
      async write(batch) {
        attempts.count++;
        if (gate) await gate;
        if (failing) throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
        written.push(...batch);
      },
      overflow: (batch) => spool.append(batch),
      health: { setQueueDepth() {}, observeBatch() {}, incDropped: (n, reason) => dropped.push(`${n} ${reason}`) },
    });
    return {
      spool,
      recorder,
      written,
      dropped,
      attempts,
      stall() {
        gate = new Promise((r) => (release = r));
      },
      unstall() {
        gate = null;
        release();
      },
      fail(on: boolean) {
        failing = on;
      },
    };
  });
}

describe("Recorder back-pressure and overflow", () => {
  it("a stalled database never grows the queue past maxQueue: the excess spills to the spool, nothing dropped", async () => {
    const h = await harness({ maxQueue: 20, batchSize: 5 });
    h.stall();
    const records = Array.from({ length: 100 }, (_, i) => sampleRecord(i));
    let deepest = 0;
    for (const r of records) {
      h.recorder.enqueue(r);
      deepest = Math.max(deepest, h.recorder.queueDepth());
    }
    expect(deepest).toBeLessThan(20);
    h.unstall();
    await h.recorder.close();
    const inSpool = await spooled(h.spool);
    expect(inSpool.length).toBeGreaterThan(0);
    expect(h.dropped).toEqual([]);
    // every record exactly once, in Postgres or in the spool
    const ids = [...h.written, ...inSpool].map((r) => r.id);
    expect(ids.sort()).toEqual(records.map((r) => r.id).sort());
  });

  it("a failed batch goes to the spool in order; later batches reach the database once it answers", async () => {
    const h = await harness({ maxQueue: 1000, batchSize: 4 });
    h.fail(true);
    const first = Array.from({ length: 6 }, (_, i) => sampleRecord(i));
    for (const r of first) h.recorder.enqueue(r);
    await h.recorder.flush();
    h.fail(false);
    const second = Array.from({ length: 3 }, (_, i) => sampleRecord(10 + i));
    for (const r of second) h.recorder.enqueue(r);
    await h.recorder.close();
    expect((await spooled(h.spool)).map((r) => r.id)).toEqual(first.map((r) => r.id));
    expect(h.written.map((r) => r.id)).toEqual(second.map((r) => r.id));
    expect(h.dropped).toEqual([]);
  });

  it("counts records as dropped (spool_full) only when the spool is over its bound", async () => {
    const line = JSON.stringify(sampleRecord(0)).length + 1;
    const h = await harness({ maxQueue: 1000, batchSize: 2, maxBytes: line * 3 });
    h.fail(true);
    for (let i = 0; i < 4; i++) h.recorder.enqueue(sampleRecord(i));
    await h.recorder.close();
    expect(h.spool.records()).toBe(2);
    expect(h.dropped).toEqual(["2 spool_full"]);
    await h.spool.close();
  });

  it("a call that ends after close() began is spooled, not lost", async () => {
    const h = await harness({ maxQueue: 1000, batchSize: 10 });
    await h.recorder.close();
    const late = sampleRecord(1);
    h.recorder.enqueue(late);
    await h.recorder.flush();
    expect((await spooled(h.spool)).map((r) => r.id)).toEqual([late.id]);
  });

  it("shutting down with the database failing: after one failed batch the rest go to the spool at once", async () => {
    const h = await harness({ maxQueue: 1000, batchSize: 2 });
    h.stall();
    const records = Array.from({ length: 10 }, (_, i) => sampleRecord(i));
    for (const r of records) h.recorder.enqueue(r);
    h.fail(true);
    const closing = h.recorder.close();
    h.unstall();
    await closing;
    expect(h.attempts.count).toBe(1);
    expect((await spooled(h.spool)).map((r) => r.id).sort()).toEqual(records.map((r) => r.id).sort());
    expect(h.dropped).toEqual([]);
  });
});

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { Recorder } from "../../../server/src/recording/recorder.ts";
import { Spool } from "../../../server/src/recording/spool.ts";
import { sampleRecord } from "./records.ts";

/** A batch writer whose batches the test holds open and completes (or fails) one by one. */
function heldWriter() {
  const started: { batch: CallRecord[]; succeed(): void; fail(): void }[] = [];
  const written: CallRecord[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const write = (batch: readonly CallRecord[]) =>
    new Promise<void>((resolve, reject) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      const done = () => inFlight--;
      started.push({
        batch: [...batch],
        succeed() {
          done();
          written.push(...batch);
          resolve();
        },
        fail() {
          done();
          reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
        },
      });
    });
  return { write, started, written, mostInFlight: () => mostInFlight };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const records = (n: number, from = 0) => Array.from({ length: n }, (_, i) => sampleRecord(from + i));
const ids = (rs: readonly CallRecord[]) => rs.map((r) => r.id);

async function spooled(spool: Spool): Promise<CallRecord[]> {
  await spool.seal();
  const all: CallRecord[] = [];
  for (const name of spool.sealedSegments()) all.push(...(await spool.read(name)).records);
  return all;
}

const openSpool = () => Spool.open({ dir: mkdtempSync(join(tmpdir(), "tollgate-writers-")), maxBytes: 1 << 22 });

describe("Recorder with several writers", () => {
  it("keeps at most `writers` batches in flight, started in queue order, each record written once", async () => {
    const w = heldWriter();
    const recorder = new Recorder({ batchSize: 3, flushMs: 5, maxQueue: 1000, writers: 2, write: w.write });
    const all = records(12);
    for (const r of all) recorder.enqueue(r);
    await tick();
    expect(w.started.map((s) => ids(s.batch))).toEqual([ids(all.slice(0, 3)), ids(all.slice(3, 6))]);
    // The second batch finishing first frees a writer for the next batch, while the first is still open.
    w.started[1]?.succeed();
    await tick();
    expect(w.started).toHaveLength(3);
    expect(ids(w.started[2]?.batch ?? [])).toEqual(ids(all.slice(6, 9)));
    const flushed = recorder.flush();
    for (let i = 0; i < 20 && w.written.length < all.length; i++) {
      for (const s of w.started) if (!w.written.includes(s.batch[0] as CallRecord)) s.succeed();
      await tick();
    }
    await flushed;
    expect(w.mostInFlight()).toBe(2);
    expect(ids(w.written).sort()).toEqual(ids(all).sort());
    expect(recorder.queueDepth()).toBe(0);
  });

  it("two batches in flight, one failing: that one goes to the spool, the other reaches the database, none twice", async () => {
    const w = heldWriter();
    const spool = await openSpool();
    const recorder = new Recorder({
      batchSize: 4,
      flushMs: 5,
      maxQueue: 1000,
      writers: 2,
      write: w.write,
      overflow: (batch) => spool.append(batch),
    });
    const all = records(8);
    for (const r of all) recorder.enqueue(r);
    await tick();
    expect(w.started).toHaveLength(2);
    w.started[0]?.fail();
    w.started[1]?.succeed();
    await recorder.close();
    expect(ids(await spooled(spool))).toEqual(ids(all.slice(0, 4)));
    expect(ids(w.written)).toEqual(ids(all.slice(4)));
  });

  it("a free writer takes a partial batch after flushMs while another batch is still in flight", async () => {
    const w = heldWriter();
    const recorder = new Recorder({ batchSize: 4, flushMs: 5, maxQueue: 1000, writers: 2, write: w.write });
    for (const r of records(4)) recorder.enqueue(r);
    await tick();
    expect(w.started).toHaveLength(1);
    const late = records(2, 4);
    for (const r of late) recorder.enqueue(r);
    await new Promise((r) => setTimeout(r, 30));
    expect(w.started.map((s) => s.batch.length)).toEqual([4, 2]);
    for (const s of w.started) s.succeed();
    await recorder.close();
    expect(w.written).toHaveLength(6);
  });

  it("shutting down with the database failing: batches in flight fail, everything else is spooled at once", async () => {
    const w = heldWriter();
    const spool = await openSpool();
    const recorder = new Recorder({
      batchSize: 2,
      flushMs: 5,
      maxQueue: 1000,
      writers: 2,
      write: w.write,
      overflow: (batch) => spool.append(batch),
    });
    const all = records(10);
    for (const r of all) recorder.enqueue(r);
    await tick();
    const closing = recorder.close();
    await tick();
    expect(w.started).toHaveLength(2);
    for (const s of w.started) s.fail();
    await closing;
    expect(w.started).toHaveLength(2);
    expect(ids(await spooled(spool)).sort()).toEqual(ids(all).sort());
  });

  it("the queue bound holds with every writer stalled: the excess spills, nothing is lost or doubled", async () => {
    const w = heldWriter();
    const spool = await openSpool();
    const recorder = new Recorder({
      batchSize: 5,
      flushMs: 5,
      maxQueue: 20,
      writers: 3,
      write: w.write,
      overflow: (batch) => spool.append(batch),
    });
    const all = records(100);
    let deepest = 0;
    for (const r of all) {
      recorder.enqueue(r);
      deepest = Math.max(deepest, recorder.queueDepth());
    }
    expect(deepest).toBeLessThan(20);
    const closing = recorder.close();
    for (let i = 0; i < 20 && w.started.some((s) => !w.written.includes(s.batch[0] as CallRecord)); i++) {
      for (const s of w.started) if (!w.written.includes(s.batch[0] as CallRecord)) s.succeed();
      await tick();
    }
    await closing;
    expect(w.mostInFlight()).toBeLessThanOrEqual(3);
    expect([...ids(w.written), ...ids(await spooled(spool))].sort()).toEqual(ids(all).sort());
  });
});

import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { Spool, SpoolFullError } from "../../../server/src/recording/spool.ts";
import { SpoolReplayer } from "../../../server/src/recording/spool-replayer.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { sampleRecord } from "./records.ts";

const tempDir = () => mkdtempSync(join(tmpdir(), "tollgate-spool-"));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => sampleRecord(from + i));

describe("Spool files", () => {
  it("round-trips records exactly: Dates, decimal strings, nulls, floats, objects", async () => {
    const dir = tempDir();
    const spool = await Spool.open({ dir, maxBytes: 1 << 20 });
    const records = range(0, 6);
    await spool.append(records.slice(0, 2));
    await spool.append(records.slice(2));
    await spool.seal();
    const [segment] = spool.sealedSegments();
    const { records: back, corrupt } = await spool.read(segment!);
    expect(corrupt).toBe(0);
    expect(back).toEqual(records);
    expect(back[0]!.startedAt).toBeInstanceOf(Date);
    expect(back[0]!.startedAt.getTime()).toBe(records[0]!.startedAt.getTime());
    expect(back[1]!.costUsd).toBe("0.0003300000123456");
    expect(back[0]!.properties).toEqual({ team: "search", 'quote"d': "line\nbreak" });
    // one JSON line per record
    expect(readFileSync(join(dir, segment!), "utf8").split("\n")).toHaveLength(7);
  });

  it("refuses appends past maxBytes without writing part of the batch", async () => {
    const dir = tempDir();
    const oneLine = JSON.stringify(sampleRecord(0)).length + 1;
    const spool = await Spool.open({ dir, maxBytes: oneLine * 3 + 10 });
    await spool.append(range(0, 2));
    await expect(spool.append(range(2, 4))).rejects.toBeInstanceOf(SpoolFullError);
    expect(spool.records()).toBe(2);
    await spool.append(range(4, 5));
    expect(spool.records()).toBe(3);
    await spool.seal();
    const { records } = await spool.read(spool.sealedSegments()[0]!);
    expect(records.map((r) => r.upstreamRequestId)).toEqual(["req_0", "req_1", "req_4"]);
  });

  it("rotates segments by size and finds them again after a restart, skipping a torn last line", async () => {
    const dir = tempDir();
    const spool = await Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 2000 });
    const written = range(0, 10);
    for (const r of written) await spool.append([r]);
    const segments = readdirSync(dir)
      .filter((n) => n.endsWith(".jsonl"))
      .sort();
    expect(segments.length).toBeGreaterThan(2);
    await spool.close(); // (a crash closes the file too)
    // A crash in the middle of an append leaves half a line at the end of the newest segment.
    appendFileSync(join(dir, segments[segments.length - 1]!), JSON.stringify(sampleRecord(99)).slice(0, 40));

    const reopened = await Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 2000 });
    expect(reopened.records()).toBe(10);
    const seen: CallRecord[] = [];
    let corrupt = 0;
    for (const name of reopened.sealedSegments()) {
      const read = await reopened.read(name);
      seen.push(...read.records);
      corrupt += read.corrupt;
    }
    expect(seen).toEqual(written);
    expect(corrupt).toBe(1);
    // New appends go to a new segment after the old ones.
    await reopened.append([sampleRecord(10)]);
    await reopened.seal();
    expect(reopened.sealedSegments().length).toBe(segments.length + 1);
  });
});

describe("SpoolReplayer into Postgres", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    await db.pool.query("TRUNCATE calls");
  });

  const rows = async () =>
    (
      await db.pool.query<{ id: string; cost_usd: string; started_at: Date; properties: unknown; ttft_ms: number | null }>(
        "SELECT id, cost_usd, started_at, properties, ttft_ms FROM calls ORDER BY id",
      )
    ).rows;

  function replayer(spool: Spool, write: (r: readonly CallRecord[]) => Promise<number>, dropped: string[] = []) {
    return new SpoolReplayer({ spool, batchSize: 3, intervalMs: 60_000, write, onDropped: (n, reason) => dropped.push(`${n} ${reason}`) });
  }

  it("replays segments in order, deletes each only after its rows are committed, and stores values exactly", async () => {
    const dir = tempDir();
    const spool = await Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 3000 });
    const records = range(0, 11);
    for (const r of records) await spool.append([r]);
    const order: string[] = [];
    const r = replayer(spool, async (batch) => {
      order.push(...batch.map((b) => b.upstreamRequestId ?? ""));
      return insertCalls(db.pool, batch);
    });
    await r.replayNow();
    expect(order).toEqual(records.map((x) => x.upstreamRequestId));
    expect(spool.records()).toBe(0);
    expect(readdirSync(dir).filter((n) => n.endsWith(".jsonl"))).toEqual([]);
    const stored = await rows();
    expect(stored.map((s) => s.id)).toEqual(records.map((x) => x.id).sort());
    const first = stored.find((s) => s.id === records[1]!.id)!;
    expect(first.cost_usd).toBe("0.0003300000123456");
    expect(first.started_at.getTime()).toBe(records[1]!.startedAt.getTime());
    expect(first.ttft_ms).toBe(45.125);
    expect(stored.find((s) => s.id === records[0]!.id)!.properties).toEqual({ team: "search", 'quote"d': "line\nbreak" });
  });

  it("keeps everything while Postgres is unreachable and resumes later without duplicates", async () => {
    const dir = tempDir();
    const spool = await Spool.open({ dir, maxBytes: 1 << 20 });
    await spool.append(range(0, 8));
    let reachable = true;
    let batches = 0;
    const r = replayer(spool, async (batch) => {
      // the second batch hits an outage after the first was committed
      if (++batches === 2) reachable = false;
      if (!reachable) throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
      return insertCalls(db.pool, batch);
    });
    await r.replayNow();
    expect(spool.records()).toBe(8);
    expect((await rows()).length).toBe(3);
    reachable = true;
    await r.replayNow();
    expect(spool.records()).toBe(0);
    expect((await rows()).length).toBe(8);
  });

  it("a crash after the insert but before the delete duplicates nothing on the next start", async () => {
    const dir = tempDir();
    const spool = await Spool.open({ dir, maxBytes: 1 << 20 });
    const records = range(0, 7);
    await spool.append(records);
    await spool.close();
    // The previous run committed the rows, then died before deleting the segment.
    await insertCalls(db.pool, records);
    const restarted = await Spool.open({ dir, maxBytes: 1 << 20 });
    expect(restarted.records()).toBe(7);
    let inserted = 0;
    await replayer(restarted, async (batch) => {
      const n = await insertCalls(db.pool, batch);
      inserted += n;
      return n;
    }).replayNow();
    expect(inserted).toBe(0);
    expect((await rows()).length).toBe(7);
    expect(restarted.records()).toBe(0);
  });

  it("sets aside a record Postgres rejects as invalid data instead of blocking the spool", async () => {
    const dir = tempDir();
    const spool = await Spool.open({ dir, maxBytes: 1 << 20 });
    const records = range(0, 4);
    // not a uuid (SQLSTATE 22P02): a value no repair can make storable (a fixable one is recorded repaired)
    const poison = { ...records[2]!, id: "not-a-uuid" };
    records[2] = poison;
    await spool.append(records);
    const dropped: string[] = [];
    await replayer(spool, (batch) => insertCalls(db.pool, batch), dropped).replayNow();
    expect(spool.records()).toBe(0);
    expect((await rows()).map((x) => x.id).sort()).toEqual([0, 1, 3].map((i) => records[i]!.id).sort());
    expect(dropped).toEqual(["1 rejected"]);
    const rejected = readdirSync(dir).filter((n) => n.startsWith("rejected-"));
    expect(rejected).toHaveLength(1);
    expect(readFileSync(join(dir, rejected[0]!), "utf8")).toContain(poison.id);
  });
});

import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CallJournal } from "../../../server/src/recording/call-journal.ts";
import { sampleRecord } from "../reliability/records.ts";

const journalDir = () => join(mkdtempSync(join(tmpdir(), "tollgate-journal-")), "journal");
const files = (dir: string) =>
  readdirSync(dir)
    .filter((n) => n.endsWith(".jsonl"))
    .sort();

describe("CallJournal", () => {
  it("writes the lines of the calls ending in one turn with one write at its end, before what waits for them", async () => {
    const dir = journalDir();
    const journal = CallJournal.open({ dir, fsyncMs: 60_000 });
    const [file] = files(dir);
    const lines = () => readFileSync(join(dir, file!), "utf8").split("\n").filter(Boolean).length;
    const seen: string[] = [];
    journal.afterWritten(() => seen.push(`nothing waiting: ${lines()}`));
    journal.write(sampleRecord(0));
    journal.afterWritten(() => seen.push(`first answer ends: ${lines()}`));
    journal.write(sampleRecord(1));
    journal.afterWritten(() => seen.push(`second answer ends: ${lines()}`));
    // nothing written yet, and no answer ended: the turn is not over
    expect(lines()).toBe(0);
    expect(seen).toEqual(["nothing waiting: 0"]);
    await new Promise((resolve) => setImmediate(resolve));
    // one write of both lines, then the answers' ends, in order
    expect(seen).toEqual(["nothing waiting: 0", "first answer ends: 2", "second answer ends: 2"]);
    journal.write(sampleRecord(2));
    journal.flush();
    expect(lines()).toBe(3);
    await journal.close();
  });

  it("writes each record by the end of its turn, empties its file once every record is released, and leaves nothing after a clean close", async () => {
    const dir = journalDir();
    const journal = CallJournal.open({ dir, fsyncMs: 50 });
    const records = [sampleRecord(0), sampleRecord(1), sampleRecord(2)];
    for (const r of records) journal.write(r);
    await new Promise((resolve) => setImmediate(resolve));
    // on disk (page cache): a process killed now loses none of them
    const [file] = files(dir);
    expect(readFileSync(join(dir, file!), "utf8").trim().split("\n")).toHaveLength(3);
    journal.release(records.slice(0, 2));
    expect(statSync(join(dir, file!)).size).toBeGreaterThan(0);
    expect(journal.pending()).toBe(1);
    journal.release(records.slice(2));
    expect(statSync(join(dir, file!)).size).toBe(0);
    await journal.close();
    expect(files(dir)).toEqual([]);
  });

  it("retires full files and deletes them once their records are released", async () => {
    const dir = journalDir();
    const journal = CallJournal.open({ dir, fsyncMs: 20, rotateBytes: 2000 });
    const records = Array.from({ length: 10 }, (_, i) => sampleRecord(i));
    for (const r of records) journal.write(r);
    journal.flush();
    expect(files(dir).length).toBeGreaterThan(3);
    journal.release(records.slice(0, 9));
    // the retired files are gone; the current one holds the one record still pending
    expect(files(dir)).toHaveLength(1);
    expect(readFileSync(join(dir, files(dir)[0]!), "utf8")).toContain(records[9]!.id);
    await journal.close();
    expect(files(dir)).toHaveLength(1);
  });

  it("after a crash, gives back each unreleased call once (its latest line), skipping a torn line", async () => {
    const dir = journalDir();
    const crashed = CallJournal.open({ dir, fsyncMs: 1000 });
    const committed = sampleRecord(0);
    const waiting = sampleRecord(1);
    crashed.write(committed);
    crashed.write(waiting); // journaled before its token estimate…
    waiting.inputTokens = 77;
    waiting.usageSource = "estimated";
    crashed.write(waiting); // …and again after it
    crashed.flush();
    appendFileSync(join(dir, files(dir)[0]!), JSON.stringify(sampleRecord(2)).slice(0, 50));
    // (the process dies here: no release, no close)

    const next = CallJournal.open({ dir, fsyncMs: 1000 });
    expect(next.leftover).toHaveLength(1);
    const { records, corrupt } = next.recoverLeftover();
    expect(corrupt).toBe(1);
    expect(records.map((r) => r.id)).toEqual([committed.id, waiting.id]);
    expect(records[1]).toMatchObject({ inputTokens: 77, usageSource: "estimated" });
    expect(records[0]!.startedAt).toEqual(committed.startedAt);
    next.removeLeftover();
    await next.close();
    expect(files(dir)).toEqual([]);
  });
});

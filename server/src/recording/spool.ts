import { mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { CallRecord } from "../domain/call-record.ts";

/** Appending would take the spool past TOLLGATE_SPOOL_MAX_BYTES; the records were not written. */
export class SpoolFullError extends Error {
  readonly dropReason = "spool_full";
}

export interface SpoolOptions {
  dir: string;
  /** the spool refuses appends beyond this many bytes on disk */
  maxBytes: number;
  /** a segment is closed (and becomes replayable) once it reaches this size */
  segmentBytes?: number;
}

interface Segment {
  name: string;
  bytes: number;
  records: number;
}

const SEGMENT = /^(\d{12})\.jsonl$/;
const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;
const ENCODE_SLICE = 1000;

/** One record per line; the only non-JSON value in a CallRecord is `startedAt` (a Date, kept as ISO-8601). */
export function encodeRecord(record: CallRecord): string {
  return JSON.stringify(record);
}

export function decodeRecord(line: string): CallRecord {
  const parsed = JSON.parse(line) as CallRecord & { startedAt: string };
  if (typeof parsed !== "object" || parsed === null || typeof parsed.id !== "string" || typeof parsed.startedAt !== "string") {
    throw new Error("not a call record");
  }
  return { ...parsed, startedAt: new Date(parsed.startedAt) };
}

/**
 * A durable local spool for call records Postgres could not take: append-only segment files of JSON lines
 * in `dir`, fsync'd once per appended batch. Appends are serialised; a segment is sealed (closed, never
 * written again) before it is replayed, so the replayer never reads a file that is still growing.
 */
export class Spool {
  private readonly segments: Segment[] = [];
  private writing: { segment: Segment; handle: FileHandle } | null = null;
  private nextSeq = 1;
  private chain: Promise<unknown> = Promise.resolve();
  private totalBytes = 0;
  private totalRecords = 0;
  /** the last append was refused for size, and no space was freed since */
  private refused = false;
  private readonly segmentBytes: number;

  private constructor(private readonly options: SpoolOptions) {
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  }

  /** Opens (creating) the spool directory and takes stock of segments left by an earlier run. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const spool = new Spool(options);
    await mkdir(options.dir, { recursive: true });
    for (const name of await readdir(options.dir)) {
      // a segment a crash left unnamed is empty (it is renamed before its first write)
      if (name.endsWith(".jsonl.new")) await unlink(join(options.dir, name)).catch(() => {});
    }
    const names = (await readdir(options.dir)).filter((n) => SEGMENT.test(n)).sort();
    for (const name of names) {
      const text = await readFile(join(options.dir, name), "utf8");
      let records = 0;
      for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) records++;
      spool.segments.push({ name, bytes: Buffer.byteLength(text), records });
      spool.totalBytes += Buffer.byteLength(text);
      spool.totalRecords += records;
      spool.nextSeq = Number(SEGMENT.exec(name)?.[1]) + 1;
    }
    return spool;
  }

  get dir(): string {
    return this.options.dir;
  }

  /** records waiting for replay */
  records(): number {
    return this.totalRecords;
  }

  bytes(): number {
    return this.totalBytes;
  }

  /** Records are being refused for size (TOLLGATE_SPOOL_MAX_BYTES) until a replayed segment frees room. */
  full(): boolean {
    return this.refused || this.totalBytes >= this.options.maxBytes;
  }

  /** Appends a batch and fsyncs it; resolves once the records are durable. Throws SpoolFullError when over the bound. */
  append(records: readonly CallRecord[]): Promise<void> {
    return this.serially(() => this.appendNow(records));
  }

  /** Closes the segment being written, so every record spooled so far is in a sealed segment. */
  seal(): Promise<void> {
    return this.serially(() => this.closeOpen());
  }

  /** Sealed segment names, oldest first. */
  sealedSegments(): string[] {
    return this.segments.filter((s) => s !== this.writing?.segment).map((s) => s.name);
  }

  /** The records of a sealed segment in order; a torn last line (a crash mid-append) or corrupt line is skipped and counted. */
  async read(name: string): Promise<{ records: CallRecord[]; corrupt: number }> {
    const text = await readFile(join(this.options.dir, name), "utf8");
    const lines = text.split("\n");
    const records: CallRecord[] = [];
    let corrupt = lines.pop() === "" ? 0 : 1;
    for (const line of lines) {
      try {
        records.push(decodeRecord(line));
      } catch {
        corrupt++;
      }
    }
    return { records, corrupt };
  }

  /** Deletes a replayed segment (only after its rows are committed). */
  async remove(name: string): Promise<void> {
    await this.serially(async () => {
      const index = this.segments.findIndex((s) => s.name === name);
      if (index === -1 || this.segments[index] === this.writing?.segment) return;
      await unlink(join(this.options.dir, name)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw err;
      });
      const [segment] = this.segments.splice(index, 1);
      this.totalBytes -= segment?.bytes ?? 0;
      this.totalRecords -= segment?.records ?? 0;
      this.refused = false;
    });
  }

  /** Keeps records Postgres rejected as data errors out of the replay, in a file an engineer can read. */
  async quarantine(records: readonly CallRecord[]): Promise<string> {
    const file = join(this.options.dir, `rejected-${Date.now()}.jsonl`);
    const handle = await open(file, "a");
    try {
      await handle.appendFile(records.map((r) => encodeRecord(r) + "\n").join(""));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    return file;
  }

  async close(): Promise<void> {
    await this.seal();
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => {});
    return run;
  }

  private async appendNow(records: readonly CallRecord[]): Promise<void> {
    if (records.length === 0) return;
    let text = "";
    for (let i = 0; i < records.length; i++) {
      text += encodeRecord(records[i] as CallRecord) + "\n";
      // A big spill (the whole queue) is serialised in slices so the proxy's event loop keeps turning.
      if (i % ENCODE_SLICE === ENCODE_SLICE - 1) await new Promise((r) => setImmediate(r));
    }
    const bytes = Buffer.byteLength(text);
    if (this.totalBytes + bytes > this.options.maxBytes) {
      this.refused = true;
      throw new SpoolFullError(`spool full: ${this.totalBytes} of ${this.options.maxBytes} bytes used`);
    }
    const target = this.writing ?? (await this.openSegment());
    const before = target.segment.bytes;
    try {
      await target.handle.appendFile(text);
      await target.handle.datasync();
    } catch (err) {
      // Never leave half a batch behind: the next append would glue a record onto a partial line.
      await target.handle.truncate(before).catch(() => {});
      throw err;
    }
    target.segment.bytes += bytes;
    target.segment.records += records.length;
    this.totalBytes += bytes;
    this.totalRecords += records.length;
    this.refused = false;
    if (target.segment.bytes >= this.segmentBytes) await this.closeOpen();
  }

  private async openSegment(): Promise<{ segment: Segment; handle: FileHandle }> {
    const name = `${String(this.nextSeq++).padStart(12, "0")}.jsonl`;
    // Created under a temporary name and renamed, then the directory is fsync'd: the segment's entry
    // survives a crash as surely as its contents.
    const temporary = join(this.options.dir, `${name}.new`);
    const handle = await open(temporary, "a");
    await rename(temporary, join(this.options.dir, name));
    await syncDirectory(this.options.dir);
    const segment: Segment = { name, bytes: 0, records: 0 };
    this.segments.push(segment);
    this.writing = { segment, handle };
    return this.writing;
  }

  private async closeOpen(): Promise<void> {
    const current = this.writing;
    if (!current) return;
    this.writing = null;
    await current.handle.close();
    if (current.segment.records === 0) {
      // An empty segment (every append to it failed) is not worth a replay.
      this.segments.splice(this.segments.indexOf(current.segment), 1);
      await unlink(join(this.options.dir, current.segment.name)).catch(() => {});
    }
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the data itself is still synced.
  } finally {
    await handle.close();
  }
}

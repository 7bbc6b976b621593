import type { CallRecord } from "../domain/call-record.ts";
import type { Spool } from "./spool.ts";

export interface ReplayerOptions {
  spool: Spool;
  /** inserts a batch idempotently (ON CONFLICT DO NOTHING by call id); returns the rows inserted */
  write(records: readonly CallRecord[]): Promise<number>;
  batchSize: number;
  /** how often to try while records wait in the spool */
  intervalMs: number;
  /** records that will never reach Postgres: corrupt lines, rows Postgres rejects as invalid data */
  onDropped?(records: number, reason: "corrupt" | "rejected"): void;
  onReplayed?(records: number): void;
  onError?(err: unknown): void;
  /** a cheap check that Postgres answers, before a pass reads any segment (rejects when it does not) */
  probe?(): Promise<unknown>;
}

/**
 * Moves spooled records into Postgres once it is reachable again: segments oldest first, records in
 * order, in batches. Runs beside the recorder (new records never wait for it). A segment is deleted only
 * after all its rows are committed; a crash before the delete replays it again, and the idempotent insert
 * turns that into no duplicates.
 */
export class SpoolReplayer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** batches of a segment already committed, so a pass interrupted by an outage resumes where it stopped */
  private readonly committed = new Map<string, number>();

  constructor(private readonly options: ReplayerOptions) {}

  /** Replays what an earlier run left (start-up), then keeps trying while records wait. */
  start(): void {
    this.kick();
  }

  /** Asks for a pass soon (e.g. the recorder just wrote to Postgres, so it is reachable). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.pass().finally(() => {
      this.running = null;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.kick();
      } else {
        this.schedule();
      }
    });
  }

  /**
   * Records were just spooled: make sure a pass is due. Without this, a spool filled while no pass was
   * pending (the last one found it empty) waited for the next successful Postgres write to be replayed —
   * with no traffic, forever.
   */
  notify(): void {
    if (!this.stopped && !this.running) this.schedule();
  }

  /** Runs a pass now (after the one in progress, if any) and resolves when it ends. */
  async replayNow(): Promise<void> {
    while (this.running) await this.running;
    if (this.stopped) return;
    this.kick();
    await this.running;
  }

  /** Stops after the batch in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(): void {
    if (this.timer || this.options.spool.records() === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, this.options.intervalMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    const { spool } = this.options;
    try {
      if (spool.records() === 0) return;
      // While Postgres is down, a pass costs one refused connection, not a segment read and parsed.
      await this.options.probe?.();
      await spool.seal();
      const backlog = new Set(spool.sealedSegments());
      const replayed = new Set<string>();
      for (;;) {
        if (this.stopped) return;
        // Records spooled while this pass runs (calls Postgres could not take a moment ago) are sealed and
        // replayed before the rest of the backlog: a new call never waits for a long replay to end.
        await spool.seal();
        const waiting = spool.sealedSegments().filter((n) => !replayed.has(n));
        const name = waiting.find((n) => !backlog.has(n)) ?? waiting[0];
        if (name === undefined) return;
        if (!(await this.replaySegment(name))) return;
        replayed.add(name);
      }
    } catch (err) {
      // Postgres is still unreachable (or the disk failed); the next pass retries from the same place.
      this.options.onError?.(err);
    }
  }

  /** Returns false when stopped part-way. */
  private async replaySegment(name: string): Promise<boolean> {
    const { spool, batchSize } = this.options;
    const { records, corrupt } = await spool.read(name);
    if (corrupt > 0 && !this.committed.has(name)) this.options.onDropped?.(corrupt, "corrupt");
    let done = this.committed.get(name) ?? 0;
    this.committed.set(name, done);
    for (let from = done * batchSize; from < records.length; from += batchSize) {
      if (this.stopped) return false;
      const batch = records.slice(from, from + batchSize);
      await this.insert(batch);
      this.committed.set(name, ++done);
      this.options.onReplayed?.(batch.length);
      // Let the proxy and the recorder's own writes run between replay batches.
      await new Promise((r) => setImmediate(r));
    }
    await spool.remove(name);
    this.committed.delete(name);
    return true;
  }

  private async insert(batch: readonly CallRecord[]): Promise<void> {
    try {
      await this.options.write(batch);
    } catch (err) {
      if (!isDataError(err)) throw err;
      // One bad record must not block the spool forever: insert one by one, keep the rejects aside.
      const rejected: CallRecord[] = [];
      for (const record of batch) {
        try {
          await this.options.write([record]);
        } catch (one) {
          if (!isDataError(one)) throw one;
          rejected.push(record);
        }
      }
      if (rejected.length > 0) {
        await this.options.spool.quarantine(rejected);
        this.options.onDropped?.(rejected.length, "rejected");
      }
    }
  }
}

/** Postgres refused the data itself (SQLSTATE class 22 data exception, 23 integrity violation): retrying cannot help. */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"));
}

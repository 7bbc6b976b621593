import type { CallRecord } from "../domain/call-record.ts";

/** Writes one batch durably (Postgres); throws when it cannot. */
export type BatchWriter = (records: readonly CallRecord[]) => Promise<void>;

export interface RecorderHealth {
  setQueueDepth(n: number): void;
  observeBatch(seconds: number, rows: number): void;
  incDropped(n: number, reason?: string): void;
  /** a batch went to the overflow spool instead of Postgres */
  spilled?(n: number): void;
}

export interface RecorderOptions {
  batchSize: number;
  flushMs: number;
  /**
   * batches written at once, each on its own connection (default 1). One transaction keeps one Postgres
   * backend (one CPU) busy while Node waits; a second one in flight overlaps Node's and Postgres' work.
   * The batch writer must then be safe to run concurrently (call-writer.ts: key-ordered rollup upserts).
   */
  writers?: number;
  /** more queued records than this are not held in memory (the spool takes them, else they are dropped and counted) */
  maxQueue: number;
  write: BatchWriter;
  /** takes a batch that could not be written (database unreachable, queue full); resolves once it is durable */
  overflow?: (records: readonly CallRecord[]) => Promise<void>;
  health?: RecorderHealth;
  onError?: (err: unknown) => void;
}

/**
 * The in-memory queue between the proxy and Postgres. The proxy only ever calls `enqueue` (never waits);
 * batches are written when `batchSize` records are waiting or `flushMs` after the first one arrived, up to
 * `writers` batches at a time. Each batch succeeds or fails on its own: a failed one goes to the overflow
 * spool while the others commit.
 */
export class Recorder {
  private queue: CallRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** batches being written (at most `writers`) */
  private readonly writing = new Set<Promise<void>>();
  private readonly writers: number;
  private closed = false;
  private retryDelayMs = 0;
  /** overflow writes not yet durable; flush waits for them */
  private readonly spills = new Set<Promise<void>>();
  private failedWhileClosing = false;

  constructor(private readonly options: RecorderOptions) {
    this.writers = Math.max(1, options.writers ?? 1);
  }

  enqueue(record: CallRecord): void {
    if (this.closed && this.options.overflow) {
      // A call that ended after close() began flushing (shutdown): straight to the spool, never lost.
      void this.spill([record]);
      return;
    }
    this.queue.push(record);
    if (this.queue.length >= this.options.maxQueue && this.options.overflow) {
      // Back-pressure: spill to the spool rather than growing memory without limit.
      void this.spill(this.queue.splice(0, this.queue.length));
      this.options.health?.setQueueDepth(0);
      return;
    }
    if (this.queue.length >= this.options.batchSize) this.kick();
    else if (this.timer === null && this.writing.size < this.writers) this.timer = setTimeout(() => this.kick(), this.options.flushMs);
  }

  queueDepth(): number {
    return this.queue.length;
  }

  /** Writes everything queued so far (to Postgres, or to the overflow spool when that fails). */
  async flush(): Promise<void> {
    while (this.writing.size > 0 || this.queue.length > 0 || this.spills.size > 0) {
      if (this.queue.length > 0 && this.closed && this.failedWhileClosing && this.options.overflow) {
        // Shutting down with the database failing: one batch already failed, so don't wait out the
        // rest one by one (each may hang until its timeout); the spool takes them all at once.
        await this.spill(this.queue.splice(0, this.queue.length));
      } else if (this.queue.length > 0 && this.writing.size < this.writers) void this.writeNext(true);
      else if (this.writing.size > 0) await Promise.race(this.writing);
      else await Promise.all(this.spills);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** Starts batches on the free writers: full ones, or one partial batch (the flush timer fired). */
  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.writing.size < this.writers && this.queue.length > 0) {
      void this.writeNext(false);
      // A partial remainder waits for its timer or for a batch to finish, so it can grow into a full one.
      if (this.queue.length < this.options.batchSize) break;
    }
  }

  private writeNext(final: boolean): Promise<void> {
    const batch = this.queue.splice(0, this.options.batchSize);
    this.options.health?.setQueueDepth(this.queue.length);
    const started = performance.now();
    const run = this.options
      .write(batch)
      .then(() => {
        this.retryDelayMs = 0;
        this.options.health?.observeBatch((performance.now() - started) / 1000, batch.length);
      })
      .catch(async (err: unknown) => {
        if (this.closed) this.failedWhileClosing = true;
        this.options.onError?.(err);
        if (this.options.overflow) {
          await this.spill(batch);
        } else if (final || this.closed) {
          this.options.health?.incDropped(batch.length);
        } else {
          // No spool: keep the batch and retry with backoff, bounded by maxQueue.
          this.queue.unshift(...batch);
          const excess = this.queue.length - this.options.maxQueue;
          if (excess > 0) this.options.health?.incDropped(this.queue.splice(this.options.maxQueue, excess).length);
          this.retryDelayMs = Math.min(5_000, Math.max(100, this.retryDelayMs * 2));
          await new Promise((r) => setTimeout(r, this.retryDelayMs));
        }
      })
      .finally(() => {
        this.writing.delete(run);
        this.options.health?.setQueueDepth(this.queue.length);
        if (this.queue.length > 0 && !final && !this.closed) {
          if (this.queue.length >= this.options.batchSize) this.kick();
          else if (this.timer === null) this.timer = setTimeout(() => this.kick(), this.options.flushMs);
        }
      });
    this.writing.add(run);
    return run;
  }

  private spill(records: CallRecord[]): Promise<void> {
    const done = this.spillNow(records).finally(() => this.spills.delete(done));
    this.spills.add(done);
    return done;
  }

  private async spillNow(records: CallRecord[]): Promise<void> {
    try {
      await this.options.overflow?.(records);
      this.options.health?.spilled?.(records.length);
    } catch (err) {
      this.options.onError?.(err);
      this.options.health?.incDropped(records.length, (err as { dropReason?: string } | null)?.dropReason ?? "spool_error");
    }
  }
}

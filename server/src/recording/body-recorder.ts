import type { PendingBody, StoredBody } from "./body-record.ts";
import { storedBody } from "./body-record.ts";

export interface BodyRecorderOptions {
  maxBytes: number;
  secrets: readonly string[];
  /** bodies waiting at most; beyond it (the database slow or away) new ones are dropped and counted */
  maxQueue: number;
  /** raw bytes waiting at most (captured streams are held raw until their batch) */
  maxQueueBytes: number;
  batchSize: number;
  flushMs: number;
  write(rows: readonly StoredBody[]): Promise<void>;
  onDropped(n: number): void;
  onError(err: unknown): void;
}

/**
 * The captured bodies' own bounded queue beside the calls' recorder: the proxy only enqueues (references,
 * no work); decoding, stream assembly, redaction and capping run here, per batch, one writer at a time.
 * Bodies are best effort — a batch the database refuses is dropped and counted, never spooled, so they can
 * never hold up or crowd out the call records.
 */
export class BodyRecorder {
  private queue: PendingBody[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: BodyRecorderOptions) {}

  enqueue(body: PendingBody): void {
    const size = body.capture.bytes + (body.capture.request?.length ?? 0);
    if (this.closed || this.queue.length >= this.options.maxQueue || this.queuedBytes + size > this.options.maxQueueBytes) {
      this.options.onDropped(1);
      return;
    }
    this.queue.push(body);
    this.queuedBytes += size;
    if (this.writing) return;
    if (this.queue.length >= this.options.batchSize) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.options.flushMs);
  }

  queueDepth(): number {
    return this.queue.length;
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    while (this.writing || this.queue.length > 0) {
      if (!this.writing) this.kick();
      await this.writing;
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.writing || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.batchSize);
    for (const b of batch) this.queuedBytes -= b.capture.bytes + (b.capture.request?.length ?? 0);
    this.writing = this.writeBatch(batch).finally(() => {
      this.writing = null;
      if (this.queue.length >= this.options.batchSize) this.kick();
      else if (this.queue.length > 0) this.timer ??= setTimeout(() => this.kick(), this.options.flushMs);
    });
  }

  private async writeBatch(batch: PendingBody[]): Promise<void> {
    try {
      const rows: StoredBody[] = [];
      for (let i = 0; i < batch.length; i++) {
        rows.push(storedBody(batch[i] as PendingBody, this.options.maxBytes, this.options.secrets));
        // Assembling and redacting large bodies is CPU: let calls in flight run between every few.
        if (i % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
      }
      await this.options.write(rows);
    } catch (err) {
      this.options.onError(err);
      this.options.onDropped(batch.length);
    }
  }
}

import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { estimateJob, type EstimableCall } from "./estimate.ts";
import type { FromWorker, ToWorker } from "./estimator-protocol.ts";
import type { Usage } from "../domain/usage.ts";
import { BUNDLED } from "../lib/paths.ts";

const BOOT = new URL("./estimator-boot.mjs", import.meta.url);
const WORKER_ENTRY = new URL("./estimator-worker.ts", import.meta.url);
// In the bundle the worker is a module of its own beside this one, plain JS: no boot file needed.
const BUNDLED_WORKER = new URL("./estimator-worker.mjs", import.meta.url);

export interface EstimatorOptions {
  /** the TypeScript module the worker runs (tests swap in one that holds answers back or crashes) */
  entry?: URL;
  /** estimates waiting beyond this many are refused: the call is recorded without one */
  maxPending?: number;
  /** characters of text waiting across estimates, likewise (bounds the memory the queue holds) */
  maxPendingChars?: number;
  /** no answer for this long while estimates wait: the worker is stuck, it is replaced and they fail */
  stallMs?: number;
  /**
   * no estimate for this long: the worker stops and its memory (encoders ≈30–70 MB) goes back, until the
   * next estimate starts one again. Not after preload(): preloading asks for the encoders to stay ready.
   */
  idleMs?: number;
}

interface Pending {
  resolve(usage: Usage | undefined): void;
  reject(err: Error): void;
  chars: number;
}

/**
 * Token estimates counted in a worker thread, so a long text never stalls the event loop: encoding costs
 * about 1 µs per character and loading an encoder about 2 s. The worker starts on the first estimate (or on
 * preload) and loads the encoders there, so a process whose calls all report usage never pays their memory;
 * it stops again after idleMs without estimates. A crash or a stall fails only the estimates in flight
 * (their calls are recorded without usage); the next estimate starts a new worker.
 */
export class TokenEstimator {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private pendingChars = 0;
  private lastProgressAt = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private keepLoaded = false;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private readonly entry: string;
  /** the bundled worker module, run directly (no tsx boot); null when running from the sources */
  private readonly bundledEntry: URL | null;
  private readonly maxPending: number;
  private readonly maxPendingChars: number;
  private readonly stallMs: number;
  private readonly idleMs: number;
  private onPreload: ((result: { ms: number } | { error: string }) => void) | undefined;

  constructor(options: EstimatorOptions = {}) {
    this.entry = fileURLToPath(options.entry ?? WORKER_ENTRY);
    this.bundledEntry = BUNDLED && !options.entry ? BUNDLED_WORKER : null;
    this.maxPending = options.maxPending ?? 1_000;
    this.maxPendingChars = options.maxPendingChars ?? 8_000_000;
    this.stallMs = options.stallMs ?? 30_000;
    this.idleMs = options.idleMs ?? 120_000;
  }

  /** Estimates waiting for the worker's answer. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Whether a worker thread is running (it starts on demand and stops when idle). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /**
   * The call's estimated usage, later; undefined at once when there is nothing to count. Throws when the
   * queue is full or the estimator closed — the caller records the call without an estimate.
   */
  estimate<Info extends { model: string | null }>(call: EstimableCall<Info>): Promise<Usage | undefined> | undefined {
    if (this.closed) throw new Error("the token estimator is closed");
    const job = estimateJob(call);
    if (!job) return undefined;
    const chars = job.output.head.length + (job.input?.text.head.length ?? 0) + (job.input?.tools?.head.length ?? 0);
    if (this.pending.size >= this.maxPending || this.pendingChars + chars > this.maxPendingChars) {
      throw new Error(`token estimator queue full (${this.pending.size} estimates waiting)`);
    }
    const id = this.nextId++;
    return new Promise<Usage | undefined>((resolve, reject) => {
      if (this.pending.size === 0) this.lastProgressAt = performance.now();
      this.pending.set(id, { resolve, reject, chars });
      this.pendingChars += chars;
      this.send({ type: "estimate", id, job });
      this.armStallTimer();
    });
  }

  /** Starts the worker and loads the encoders there now; the event loop is not blocked meanwhile. */
  preload(onDone: (result: { ms: number } | { error: string }) => void = () => {}): void {
    if (this.closed) return;
    this.keepLoaded = true;
    this.onPreload = onDone;
    this.send({ type: "preload" });
  }

  /**
   * Waits (at most `timeoutMs`) for the estimates in flight; the ones still waiting then fail, so their calls
   * are recorded without usage rather than not at all. Returns how many failed.
   */
  async drain(timeoutMs: number): Promise<number> {
    if (this.pending.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const failed = this.failAll(new Error("shutdown: the estimate did not finish in time"));
    // The failed estimates' records are delivered in promise callbacks: let them run before returning.
    await new Promise((resolve) => setImmediate(resolve));
    return failed;
  }

  /** Fails whatever still waits and stops the worker. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.failAll(new Error("the token estimator is closed"));
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private send(message: ToWorker): void {
    clearTimeout(this.idleTimer);
    this.worker ??= this.startWorker();
    this.worker.postMessage(message);
  }

  private startWorker(): Worker {
    const worker = new Worker(this.bundledEntry ?? BOOT, {
      workerData: { entry: this.entry },
      // Not the parent's flags (tsx's ESM loader would load there for nothing; the boot file registers what
      // the worker needs). A small young generation: the worker's garbage is a few strings per estimate.
      execArgv: [],
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 },
    });
    // Never what keeps the process alive; shutdown drains explicitly.
    worker.unref();
    worker.on("message", (message: FromWorker) => this.onMessage(message));
    worker.on("error", (err) => this.onWorkerGone(worker, err));
    worker.on("exit", (code) => this.onWorkerGone(worker, new Error(`token estimator worker exited (code ${code})`)));
    return worker;
  }

  private onMessage(message: FromWorker): void {
    this.lastProgressAt = performance.now();
    if (message.type === "preload") {
      this.onPreload?.(message);
      this.onPreload = undefined;
      return;
    }
    const entry = this.pending.get(message.id);
    if (!entry) return; // failed already (stall, shutdown)
    this.settle(message.id, entry);
    if ("error" in message) entry.reject(new Error(message.error));
    else entry.resolve(message.usage ?? undefined);
    this.armStallTimer();
  }

  private onWorkerGone(worker: Worker, err: Error): void {
    if (this.worker !== worker) return; // replaced already: its estimates were failed then
    this.worker = undefined;
    this.onPreload?.({ error: err.message });
    this.onPreload = undefined;
    this.failAll(err);
    void worker.terminate();
  }

  private settle(id: number, entry: Pending): void {
    this.pending.delete(id);
    this.pendingChars -= entry.chars;
    if (this.pending.size === 0) {
      for (const wake of this.idleWaiters.splice(0)) wake();
      this.armIdleTimer();
    }
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    if (this.keepLoaded || !this.worker) return;
    this.idleTimer = setTimeout(() => {
      const worker = this.worker;
      if (this.pending.size > 0 || !worker) return;
      this.worker = undefined; // before its exit event, which then finds nothing of its own to fail
      void worker.terminate();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private failAll(err: Error): number {
    const entries = [...this.pending];
    for (const [id, entry] of entries) {
      this.settle(id, entry);
      entry.reject(err);
    }
    clearTimeout(this.stallTimer);
    return entries.length;
  }

  /** One timer for all estimates: it fires when the worker has answered nothing for stallMs. */
  private armStallTimer(): void {
    clearTimeout(this.stallTimer);
    if (this.pending.size === 0) return;
    const delay = Math.max(0, this.lastProgressAt + this.stallMs - performance.now());
    this.stallTimer = setTimeout(() => {
      if (this.pending.size === 0) return;
      if (performance.now() - this.lastProgressAt < this.stallMs) return this.armStallTimer();
      const worker = this.worker;
      if (worker) this.onWorkerGone(worker, new Error(`token estimator worker stalled (no answer for ${this.stallMs} ms)`));
      else this.failAll(new Error("token estimator worker gone"));
    }, delay);
    this.stallTimer.unref();
  }
}

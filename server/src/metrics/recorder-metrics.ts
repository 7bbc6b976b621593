import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { BATCH_DURATION_BUCKETS } from "./buckets.ts";

/** Where the recorder writes a batch: Postgres, or the local spool while Postgres is unreachable. */
export type RecorderTarget = "database" | "spool";

/** What the recorder reports about itself (queue depth, batches, spool state). */
export interface RecorderMetrics {
  /** records waiting in the in-memory queue */
  setQueueDepth(records: number): void;
  /** records in the spool file waiting for replay */
  setSpooledRecords(records: number): void;
  /**
   * Alternative to the setters: functions read at scrape time (cheap, synchronous). A sampler replaces the
   * corresponding setter's value.
   */
  sampleFrom(samplers: { queueDepth?: () => number; spooledRecords?: () => number }): void;
  /** records lost for good (queue full and spool failing, unserializable record, …) */
  addDropped(records: number, reason?: string): void;
  /** records durably written */
  addWritten(records: number, target?: RecorderTarget): void;
  /** one batch write, successful or not */
  observeBatch(seconds: number, result?: "ok" | "error"): void;
}

export function createRecorderMetrics(registry: Registry): RecorderMetrics {
  const registers = [registry];
  let queueSampler: (() => number) | undefined;
  let spoolSampler: (() => number) | undefined;
  const queueDepth = new Gauge({
    name: "tollgate_recorder_queue_depth",
    help: "Call records waiting in the recorder's in-memory queue.",
    registers,
    collect() {
      if (queueSampler) this.set(queueSampler());
    },
  });
  const spooled = new Gauge({
    name: "tollgate_recorder_spooled_records",
    help: "Call records in the local spool waiting for Postgres (non-zero means the database is or was unreachable).",
    registers,
    collect() {
      if (spoolSampler) this.set(spoolSampler());
    },
  });
  const dropped = new Counter({
    name: "tollgate_recorder_dropped_total",
    help: "Call records lost for good, by reason.",
    labelNames: ["reason"],
    registers,
  });
  const written = new Counter({
    name: "tollgate_recorder_written_total",
    help: "Call records durably written, by target (database or spool).",
    labelNames: ["target"],
    registers,
  });
  const batches = new Histogram({
    name: "tollgate_recorder_batch_duration_seconds",
    help: "Duration of one recorder batch write.",
    labelNames: ["result"],
    buckets: BATCH_DURATION_BUCKETS,
    registers,
  });
  // Series that alerts and dashboards read exist from the start (at 0), so rate() works from the first scrape.
  dropped.labels("unknown").inc(0);
  written.labels("database").inc(0);
  written.labels("spool").inc(0);

  return {
    setQueueDepth: (records) => queueDepth.set(records),
    setSpooledRecords: (records) => spooled.set(records),
    sampleFrom(samplers) {
      if (samplers.queueDepth) queueSampler = samplers.queueDepth;
      if (samplers.spooledRecords) spoolSampler = samplers.spooledRecords;
    },
    addDropped(records, reason = "unknown") {
      if (records > 0) dropped.labels(reason).inc(records);
    },
    addWritten(records, target = "database") {
      if (records > 0) written.labels(target).inc(records);
    },
    observeBatch(seconds, result = "ok") {
      batches.labels(result).observe(seconds);
    },
  };
}

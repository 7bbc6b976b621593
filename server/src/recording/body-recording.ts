import { configuredSecrets } from "../config/configured-secrets.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { startBodyPartitionMaintenance } from "../db/body-partitions.ts";
import type { Logger } from "../lib/logger.ts";
import type { Metrics } from "../metrics/index.ts";
import { BodyRecorder } from "./body-recorder.ts";
import { insertBodies } from "./body-writer.ts";

export interface BodyRecording {
  /** undefined when TOLLGATE_LOG_BODIES=off */
  recorder: BodyRecorder | undefined;
  close(): Promise<void>;
}

/** Bodies waiting for their batch at most (count, raw bytes): bounded whatever the traffic. */
const MAX_QUEUE = 5_000;
const MAX_QUEUE_BYTES = 256 * 1024 * 1024;

/**
 * Starts what stored bodies need: the partitions and retention of call_bodies (always, so turning capture
 * off still lets old bodies expire), and the body recorder when capture is on.
 */
export async function startBodyRecording(config: Config, db: Database, metrics: Metrics, logger: Logger): Promise<BodyRecording> {
  const maintenance = await startBodyPartitionMaintenance({
    prisma: db.prisma,
    retentionDays: config.bodyRetentionDays,
    onRun: (created, dropped) => {
      if (created > 0 || dropped.length > 0) logger.info({ created, dropped }, "call_bodies partitions maintained");
    },
    onError: (err) => logger.warn({ err: (err as Error).message }, "call_bodies maintenance failed"),
  });
  const recorder =
    config.logBodies === "off"
      ? undefined
      : new BodyRecorder({
          maxBytes: config.bodyMaxBytes,
          secrets: configuredSecrets(config),
          maxQueue: MAX_QUEUE,
          maxQueueBytes: MAX_QUEUE_BYTES,
          batchSize: 100,
          flushMs: config.recorder.flushMs,
          write: async (rows) => void (await insertBodies(db.prisma, rows)),
          onDropped: (n) => metrics.capture.bodiesDropped(n),
          onError: (err) => logger.warn({ err: (err as Error).message }, "storing captured bodies failed; they are dropped"),
        });
  return {
    recorder,
    async close() {
      maintenance.stop();
      await recorder?.close();
    },
  };
}

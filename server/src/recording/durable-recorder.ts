import { join } from "node:path";
import type pg from "pg";
import type { Config } from "../config.ts";
import type { Logger } from "../lib/logger.ts";
import type { Metrics } from "../metrics/index.ts";
import { CallJournal } from "./call-journal.ts";
import type { CallRecord } from "../domain/call-record.ts";
import { insertCalls } from "./call-writer.ts";
import { Recorder } from "./recorder.ts";
import { Spool } from "./spool.ts";
import { SpoolReplayer } from "./spool-replayer.ts";

/** Replay batches are at most this big (smaller than the recorder's: see the replayer below). */
const REPLAY_BATCH_MAX = 500;
/** How often the replayer retries while records wait in the spool (a failed try is one refused connection). */
const REPLAY_INTERVAL_MS = 500;
/**
 * A batch insert still unanswered after this long is treated as failed and its records spooled (a
 * black-holed connection would otherwise hold the recorder, and shutdown, forever). Should it commit
 * after all, the replay's ON CONFLICT DO NOTHING makes the second insert a no-op.
 */
const WRITE_TIMEOUT_MS = 15_000;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface DurableRecorder {
  /** every finished call: journaled (crash safety), then queued for Postgres */
  record(call: CallRecord): void;
  /** a finished call whose record still waits for its token estimate: journaled as it is, in case of a crash */
  journalPending(call: CallRecord): void;
  /** runs `fn` once the journal lines of every call recorded so far are written (the end of this turn) */
  afterJournaled(fn: () => void): void;
  recorder: Recorder;
  journal: CallJournal;
  spool: Spool;
  replayer: SpoolReplayer;
  /** flushes the queue (to Postgres, else the spool), stops the replayer, seals the spool, closes the journal */
  close(): Promise<void>;
}

/**
 * The recorder with its safety net: batches Postgres cannot take (unreachable, or the queue over
 * `maxQueue`) go to the spool, and the replayer brings them back once Postgres answers. Replays what an
 * earlier run left in the spool at start-up.
 */
export async function createDurableRecorder(config: Config, pool: pg.Pool, metrics: Metrics, logger: Logger): Promise<DurableRecorder> {
  const spool = await Spool.open({ dir: config.spoolDir, maxBytes: config.spoolMaxBytes });
  if (spool.records() > 0)
    logger.info({ records: spool.records(), dir: spool.dir }, "spooled records from an earlier run will be replayed");
  metrics.recorder.sampleFrom({ spooledRecords: () => spool.records() });

  // Calls answered by a run that crashed: its journal goes into the spool (durably) before it is deleted.
  let journalErrors = 0;
  let journalErrorLoggedAt = 0;
  const journal = CallJournal.open({
    dir: join(spool.dir, "journal"),
    fsyncMs: config.spoolFsyncMs,
    onError(err) {
      // A full or failing disk fails every write: one line per 10 s, with the count.
      journalErrors++;
      if (Date.now() - journalErrorLoggedAt < 10_000) return;
      journalErrorLoggedAt = Date.now();
      logger.error(
        { err: (err as Error).message, failures: journalErrors },
        "call journal write failed; calls are still recorded, but a crash now could lose them",
      );
    },
  });
  if (journal.leftover.length > 0) {
    const { records, corrupt } = journal.recoverLeftover();
    if (records.length > 0) await spool.append(records);
    journal.removeLeftover();
    logger.info({ records: records.length, corrupt }, "calls journaled by a run that did not shut down cleanly will be replayed");
  }

  let outage = false;
  const replayer = new SpoolReplayer({
    spool,
    // Short transactions, so the recorder's own batches (new calls) never wait long behind a replay.
    batchSize: Math.min(config.recorder.batchSize, REPLAY_BATCH_MAX),
    intervalMs: REPLAY_INTERVAL_MS,
    write: (records) => withTimeout(insertCalls(pool, records), WRITE_TIMEOUT_MS, "replay insert"),
    probe: () => withTimeout(pool.query("SELECT 1"), WRITE_TIMEOUT_MS, "replay probe"),
    onReplayed: (records) => metrics.recorder.addWritten(records, "database"),
    onDropped(records, reason) {
      metrics.recorder.addDropped(records, reason);
      logger.error({ records, reason, dir: spool.dir }, "spooled records could not be replayed");
    },
    onError: (err) => logger.debug({ err: (err as Error).message }, "spool replay deferred: database unreachable"),
  });

  const recorder = new Recorder({
    ...config.recorder,
    async write(records) {
      await withTimeout(insertCalls(pool, records), WRITE_TIMEOUT_MS, "batch insert");
      journal.release(records);
      if (outage) {
        outage = false;
        logger.info("database reachable again; replaying the spool");
      }
      // Postgres just took a batch: a good moment to bring spooled records back.
      if (spool.records() > 0) replayer.kick();
    },
    async overflow(records) {
      try {
        await spool.append(records);
        replayer.notify();
      } finally {
        // In the spool (durable), or refused and counted as dropped: the journal need not keep them either way.
        journal.release(records);
      }
    },
    health: {
      setQueueDepth: (n) => metrics.recorder.setQueueDepth(n),
      observeBatch: (seconds, rows) => {
        metrics.recorder.observeBatch(seconds, "ok");
        metrics.recorder.addWritten(rows, "database");
      },
      incDropped: (n, reason) => {
        metrics.recorder.addDropped(n, reason);
        logger.error({ records: n, reason }, "call records dropped");
      },
      spilled: (n) => metrics.recorder.addWritten(n, "spool"),
    },
    onError(err) {
      if (!outage) logger.warn({ err: (err as Error).message }, "recorder batch write failed; records go to the spool");
      outage = true;
    },
  });

  replayer.start();
  return {
    record(call) {
      journal.write(call);
      recorder.enqueue(call);
    },
    journalPending: (call) => journal.write(call),
    afterJournaled: (fn) => journal.afterWritten(fn),
    recorder,
    journal,
    spool,
    replayer,
    async close() {
      await recorder.close();
      await replayer.stop();
      await spool.close();
      await journal.close();
    },
  };
}

import type pg from "pg";
import type { ReconcileConfig } from "../config.ts";
import type { PrismaClient } from "../db/client.ts";
import type { Logger } from "../lib/logger.ts";
import type { ReconciliationMetrics } from "../metrics/reconciliation-metrics.ts";
import { reconcile, type ReconcileOptions } from "./reconcile.ts";
import { lastCompleteDrift } from "./report.ts";
import { DAY_MS, utcDay } from "./report-rows.ts";

/** pg advisory lock key: one replica fetches at a time ("tgrecon" in ASCII, as a number). */
export const RECONCILE_LOCK = 0x7467726563;

/** First wait after a failed fetch; doubled per failure, never past the interval. */
const FIRST_BACKOFF_MS = 60_000;

export interface ReconcileSchedule {
  /** runs one fetch now (if this replica gets the lock) and refreshes the drift metric */
  runOnce(): Promise<boolean>;
  /** stops the timer and waits for a fetch in flight */
  stop(): Promise<void>;
}

export interface ScheduleDeps {
  pool: pg.Pool;
  prisma: PrismaClient;
  config: ReconcileConfig;
  metrics: ReconciliationMetrics;
  logger: Logger;
  http?: ReconcileOptions["http"];
  now?: () => Date;
}

/**
 * Re-reads the last `lookbackDays` UTC days of every configured provider's reports every `intervalMs` (the
 * providers revise recent days as their data settles), on whichever replica takes the advisory lock first.
 * A failure is logged (the provider's error text with the admin key redacted) and retried with backoff.
 * Does nothing without a source or with an interval of 0.
 */
export function startReconcileSchedule(deps: ScheduleDeps): ReconcileSchedule {
  const { pool, prisma, config, metrics, logger } = deps;
  const now = deps.now ?? (() => new Date());
  metrics.setAlertShare(config.alertShare);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let backoff = FIRST_BACKOFF_MS;
  let running: Promise<unknown> = Promise.resolve();

  async function fetchLocked(): Promise<boolean> {
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [RECONCILE_LOCK]);
      if (!rows[0]?.locked) return false;
      try {
        const today = utcDay(now());
        const results = await reconcile(prisma, config.sources, {
          from: new Date(today.getTime() - (config.lookbackDays - 1) * DAY_MS),
          to: new Date(today.getTime() + DAY_MS),
          http: deps.http,
          now,
        });
        logger.info({ results }, "provider usage and cost reports fetched");
        return true;
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [RECONCILE_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  async function refreshMetrics(): Promise<void> {
    for (const d of await lastCompleteDrift(prisma, config, now())) metrics.set(d.provider, d.driftUsd, d.providerCostUsd);
  }

  async function runOnce(): Promise<boolean> {
    const ran = await fetchLocked();
    await refreshMetrics();
    return ran;
  }

  function schedule(ms: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().then(
        () => {
          backoff = FIRST_BACKOFF_MS;
          schedule(config.intervalMs);
        },
        (err: unknown) => {
          logger.warn({ err: (err as Error).message, retryInMs: Math.min(backoff, config.intervalMs) }, "provider report fetch failed");
          schedule(Math.min(backoff, config.intervalMs));
          backoff *= 2;
        },
      );
    }, ms);
    timer.unref();
  }

  if (config.sources.length > 0 && config.intervalMs > 0) schedule(0);
  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => {});
    },
  };
}

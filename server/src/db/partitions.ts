import type pg from "pg";

/** Months of partitions kept ready ahead of the current one, so a month never starts without its own. */
export const MONTHS_AHEAD = 2;
const DAY_MS = 86_400_000;

/**
 * Creates the calls table's monthly partitions through MONTHS_AHEAD months from now (the SQL function of
 * migration 20261127000000_calls_partitioned_by_month; idempotent, safe from several replicas at once).
 * Returns how many it created.
 */
export async function ensureCallPartitions(pool: pg.Pool, monthsAhead = MONTHS_AHEAD): Promise<number> {
  const { rows } = await pool.query<{ created: number }>(`SELECT tollgate_ensure_call_partitions(now(), $1) AS created`, [monthsAhead]);
  return rows[0]?.created ?? 0;
}

/** The first instant that is kept when the last `months` whole UTC months (the current one included) are kept. */
export function retentionCutoff(now: Date, months: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
}

/** Drops every monthly partition older than the last `months` months; returns the dropped partitions' names. */
export async function dropExpiredCallPartitions(pool: pg.Pool, months: number, now = new Date()): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(`SELECT tollgate_drop_call_partitions_before($1) AS name`, [
    retentionCutoff(now, months),
  ]);
  return rows.map((r) => r.name);
}

export interface PartitionMaintenance {
  stop(): void;
}

/**
 * Runs partition upkeep once now (awaited, so start-up fails loudly when it cannot) and then daily: next
 * months' partitions, and retention when configured. A failed daily run is logged and retried the next day;
 * inserts never depend on it (rows of a month without a partition go to calls_default).
 */
export async function startPartitionMaintenance(options: {
  pool: pg.Pool;
  retentionMonths: number | undefined;
  onRun?: (created: number, dropped: string[]) => void;
  onError?: (err: unknown) => void;
  intervalMs?: number;
}): Promise<PartitionMaintenance> {
  const run = async (): Promise<void> => {
    const created = await ensureCallPartitions(options.pool);
    const dropped = options.retentionMonths ? await dropExpiredCallPartitions(options.pool, options.retentionMonths) : [];
    options.onRun?.(created, dropped);
  };
  await run();
  const timer = setInterval(() => {
    run().catch((err: unknown) => options.onError?.(err));
  }, options.intervalMs ?? DAY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

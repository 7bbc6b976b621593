import type pg from "pg";

/** Runs `fn` while holding a session advisory lock, if this session can take it now; false when another holds it. */
export type TryAdvisoryLock = (key: number, fn: () => Promise<void>) => Promise<boolean>;

/**
 * Session advisory locks on the pool: pg_try_advisory_lock and its unlock must run on one server
 * connection, held across whatever `fn` does (provider report fetches that take seconds) — a checked-out pg
 * client, which Prisma does not hand out outside a transaction (and a transaction open that long would sit
 * idle in transaction).
 */
export function advisoryLocks(pool: pg.Pool): TryAdvisoryLock {
  return async (key, fn) => {
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [key]);
      if (!rows[0]?.locked) return false;
      try {
        await fn();
        return true;
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [key]);
      }
    } finally {
      client.release();
    }
  };
}

import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import { SESSION_OPTIONS } from "./client.ts";

/** Where the reporting API reads from right now, and how far behind the primary that is. */
export interface ReportsSourceState {
  /** `primary`: no replica configured; `replica`; `primary-fallback`: the replica is unreachable */
  source: "primary" | "replica" | "primary-fallback";
  /** how far the replica's replay is behind the primary (0 when it has replayed everything); null on the primary */
  lagMs: number | null;
  /** when the replica was last checked (ISO); null without a replica */
  checkedAt: string | null;
  /** why the replica is not used, when it is not */
  error?: string;
}

export interface ReportsDatabase {
  /** a pool the report queries run on: the replica's while it answers, else the primary's */
  pool: pg.Pool;
  /** Prisma over the same switching pool, for the report queries written with Prisma (sessions, bodies) */
  prisma: PrismaClient;
  state(): ReportsSourceState;
  /** checks the replica now (also done every `checkMs`) */
  check(): Promise<ReportsSourceState>;
  close(): Promise<void>;
}

type AnyQuery = (...a: unknown[]) => Promise<unknown>;

/** Errors that say the replica itself is gone (refused, shut down, connection lost), not that a query is wrong. */
function isUnreachable(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? "";
  return (
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|57P0[1-3]|08\w{3})$/.test(code) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test((err as Error).message ?? "")
  );
}

/**
 * A pg.Pool whose queries go to whichever pool `target()` names at the moment they are made, so the report
 * routers keep taking a plain pool while the source switches between the replica and the primary. A query
 * the replica cannot answer because it is unreachable is run again on the primary at once, so a replica
 * going down between two checks costs no failed report.
 */
class SwitchingPool extends pg.Pool {
  constructor(
    private readonly target: () => { pool: pg.Pool; isReplica: boolean },
    private readonly primary: pg.Pool,
    private readonly onUnreachable: (err: Error) => void,
  ) {
    super({ max: 1 }); // never connects: every query and checkout is delegated
  }
  override query(...args: unknown[]): never {
    const { pool, isReplica } = this.target();
    const run = (p: pg.Pool) => (p.query as unknown as AnyQuery).apply(p, args);
    if (!isReplica) return run(pool) as never;
    return run(pool).catch((err: unknown) => {
      if (!isUnreachable(err)) throw err;
      this.onUnreachable(err as Error);
      return run(this.primary);
    }) as never;
  }
  override connect(...args: unknown[]): never {
    const { pool } = this.target();
    return (pool.connect as unknown as AnyQuery).apply(pool, args) as never;
  }
}

interface LagRow {
  in_recovery: boolean;
  replay_lsn: string | null;
  since_replay_ms: string | null;
}

/**
 * The reports' database: with TOLLGATE_REPORTS_DATABASE_URL, a streaming replica, checked every `checkMs`.
 * Lag is measured against the primary's WAL position: a replica that has replayed everything is 0 ms behind
 * however long ago the last write was; one that has not is as far behind as its last replayed transaction
 * is old. When the replica cannot be reached (or is not in recovery) reports fall back to the primary and
 * say so, rather than fail or show a stale figure silently.
 */
export function createReportsDatabase(
  primaryDb: { pool: pg.Pool; prisma: PrismaClient },
  replicaUrl: string | undefined,
  checkMs = 2_000,
): ReportsDatabase {
  const primary = primaryDb.pool;
  if (!replicaUrl) {
    const state: ReportsSourceState = { source: "primary", lagMs: null, checkedAt: null };
    return { pool: primary, prisma: primaryDb.prisma, state: () => state, check: async () => state, close: async () => {} };
  }
  const replica = new pg.Pool({ connectionString: replicaUrl, max: 10, connectionTimeoutMillis: 2_000, options: SESSION_OPTIONS });
  replica.on("error", () => {});
  replica.on("connect", (client) => client.on("error", () => {}));
  let state: ReportsSourceState = { source: "primary-fallback", lagMs: null, checkedAt: null, error: "not checked yet" };

  async function check(): Promise<ReportsSourceState> {
    const checkedAt = new Date().toISOString();
    try {
      const { rows } = await replica.query<LagRow>(
        `SELECT pg_is_in_recovery() AS in_recovery, pg_last_wal_replay_lsn()::text AS replay_lsn,
                (extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000)::bigint::text AS since_replay_ms`,
      );
      const row = rows[0];
      if (!row?.in_recovery || !row.replay_lsn) {
        state = { source: "primary-fallback", lagMs: null, checkedAt, error: "TOLLGATE_REPORTS_DATABASE_URL is not a replica in recovery" };
        return state;
      }
      const behind = await primary.query<{ bytes: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS bytes`, [
        row.replay_lsn,
      ]);
      const caughtUp = Number(behind.rows[0]?.bytes ?? "0") <= 0;
      state = { source: "replica", lagMs: caughtUp ? 0 : Math.max(0, Number(row.since_replay_ms ?? "0")), checkedAt };
    } catch (err) {
      state = { source: "primary-fallback", lagMs: null, checkedAt, error: (err as Error).message };
    }
    return state;
  }

  const timer = setInterval(() => void check(), checkMs);
  timer.unref();
  void check();
  const pool = new SwitchingPool(
    () => (state.source === "replica" ? { pool: replica, isReplica: true } : { pool: primary, isReplica: false }),
    primary,
    (err) => (state = { source: "primary-fallback", lagMs: null, checkedAt: new Date().toISOString(), error: err.message }),
  );
  // Prisma's pg adapter runs each statement outside a transaction with pool.query, so its reads switch
  // (and fall back) with the pool; report reads never open a transaction.
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    pool,
    prisma,
    state: () => state,
    check,
    async close() {
      clearInterval(timer);
      await prisma.$disconnect().catch(() => {});
      await replica.end().catch(() => {});
    },
  };
}

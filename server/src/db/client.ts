import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";

export type { PrismaClient };

/**
 * The one database handle: a pg pool shared by Prisma (reporting, admin) and the recorder's raw batch
 * inserts, which are several times faster than createMany.
 */
export interface Database {
  pool: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

// Keep numeric/bigint columns as strings (exact money), never JS floats.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => v);
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

/**
 * Session settings of Tollgate's connections: no JIT compilation. Report statements over a few hundred
 * thousand calls are estimated above jit_above_cost, and compiling them cost more than running them: the raw
 * edge days of a 30-day spend by user at 10M calls ran 1.2 s, plus 4.6 s of JIT (EXPLAIN ANALYZE, load ≈ 12).
 * Through PgBouncer (which ignores `options`, deploy/pgbouncer.ini) set `jit = off` on the database instead.
 */
export const SESSION_OPTIONS = "-c jit=off";

export function createDatabase(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, connectionTimeoutMillis: 5_000, options: SESSION_OPTIONS });
  // An idle client losing its connection (Postgres restart) must not crash the process.
  pool.on("error", () => {});
  // A checked-out client (e.g. the recorder's BEGIN…COMMIT) has no pool listener: when Postgres goes away
  // mid-transaction it emits "error" ("Connection terminated unexpectedly") as an uncaught exception. Every
  // client gets one listener for life; the query in flight still rejects, so callers see the failure.
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    pool,
    prisma,
    async close() {
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}

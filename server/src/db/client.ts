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

export function createDatabase(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, connectionTimeoutMillis: 5_000 });
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

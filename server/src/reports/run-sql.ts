import type pg from "pg";
import type { Prisma } from "../generated/prisma/client.ts";

/**
 * Runs a Prisma.sql query on a pg pool (the reports pool may be a read replica, which has no Prisma
 * client): the values travel as parameters, never spliced into the text.
 */
export async function runSql<Row extends object>(pool: pg.Pool, query: Prisma.Sql): Promise<Row[]> {
  const { rows } = await pool.query<Row>({ text: query.text, values: query.values as unknown[] });
  return rows;
}

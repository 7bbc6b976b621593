import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { MIGRATIONS_DIR } from "../lib/paths.ts";

/**
 * Applies prisma/migrations in order and records each in `_prisma_migrations` exactly as `prisma migrate
 * deploy` would (same table, sha256 checksum), so a machine with the schema engine sees them as applied.
 * An advisory lock keeps replicas starting together from racing.
 */
export async function migrate(pool: pg.Pool, dir = MIGRATIONS_DIR): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock(72657374)");
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const doneByName = new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
    const names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    for (const name of names) {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const previous = doneByName.get(name);
      if (previous !== undefined) {
        if (previous !== checksum) throw new Error(`migration ${name} was edited after it was applied (checksum differs)`);
        continue;
      }
      const id = randomUUID();
      await client.query("BEGIN");
      try {
        await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`, [
          id,
          checksum,
          name,
        ]);
        await client.query(sql);
        await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${name} failed: ${(err as Error).message}`);
      }
      applied.push(name);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock(72657374)").catch(() => {});
    client.release();
  }
  return applied;
}

/**
 * Migrates through `directUrl` when given: behind a transaction-mode pooler (PgBouncer) the migration lock,
 * a session advisory lock held across statements, would be taken on one server connection and released on
 * another, so migrations need a connection of their own straight to Postgres. Without it, the shared pool.
 */
export async function migrateDatabase(pool: pg.Pool, directUrl: string | undefined): Promise<string[]> {
  if (!directUrl) return migrate(pool);
  const direct = new pg.Pool({ connectionString: directUrl, max: 1, connectionTimeoutMillis: 5_000 });
  direct.on("error", () => {});
  try {
    return await migrate(direct);
  } finally {
    await direct.end().catch(() => {});
  }
}

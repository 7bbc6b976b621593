/**
 * The bench's Postgres: a fresh database on DATABASE_URL's server (dropped afterwards), or on an embedded
 * Postgres when DATABASE_URL is unset — the same choice Tollgate itself makes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../server/src/db/embedded.ts";
import { migrate } from "../server/src/db/migrate.ts";

export interface BenchDatabase {
  url: string;
  /** where it runs, for the report header */
  where: string;
  close(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A new, migrated database; `keep` leaves it in place (its URL is printed) for a later mode to reuse. */
export async function createBenchDatabase(keep = false): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let where = "DATABASE_URL's server";
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-pg-"));
    const embedded = await startEmbeddedPostgres(dir, () => {});
    serverUrl = embedded.url;
    where = "embedded Postgres";
    stopEmbedded = async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const name = `tollgate_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(serverUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  await migrate(pool);
  await pool.end();
  const server = serverUrl;
  return {
    url,
    where,
    async close() {
      if (!keep && !stopEmbedded) {
        const a = new pg.Client({ connectionString: server });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
        await a.end();
      }
      await stopEmbedded?.();
    },
  };
}

/** An existing database (e.g. one `npm run seed` filled), migrated, never dropped. */
export async function existingDatabase(url: string): Promise<BenchDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  await migrate(pool);
  await pool.end();
  return { url, where: "the given database", close: async () => {} };
}

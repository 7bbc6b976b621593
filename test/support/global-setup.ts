import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../server/src/db/embedded.ts";
import { migrate } from "../../server/src/db/migrate.ts";

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
    /** the server bundle `npm start` runs (scripts/build-server.mjs), built for this run */
    serverBundle: string;
  }
}

let embedded: EmbeddedDatabase | undefined;
let dataDir: string | undefined;
let adminUrl = "";
let template = "";
let bundleDir: string | undefined;

/**
 * Migrates a template database once; each test file clones it (CREATE DATABASE … TEMPLATE), so files run
 * in parallel on databases of their own. Uses DATABASE_URL's server when set, else an embedded Postgres.
 */
export async function setup(project: TestProject): Promise<void> {
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), "tollgate-test-pg-"));
    embedded = await startEmbeddedPostgres(dataDir, () => {});
    adminUrl = embedded.url;
  }
  template = `tg_template_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${template}"`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: withDatabase(adminUrl, template), max: 1 });
  await migrate(pool);
  await pool.end();
  project.provide("adminDatabaseUrl", adminUrl);
  project.provide("templateDatabase", template);
  project.provide("serverBundle", buildServerBundle());
}

/**
 * Tests that run Tollgate as a process run the bundle, as `npm start` and the image do. It is built fresh
 * for each run, into a directory of its own inside the project (the bundle finds prisma/ and the dashboard
 * from there), so a stale dist/ is never what is tested and parallel runs do not overwrite each other.
 */
function buildServerBundle(): string {
  const root = new URL("../../", import.meta.url).pathname;
  bundleDir = join(root, "test", "artifacts", `server-bundle-${process.pid}`);
  const built = spawnSync(process.execPath, [join(root, "scripts", "build-server.mjs"), bundleDir], { cwd: root, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`building the server bundle failed:\n${built.stdout}\n${built.stderr}`);
  return bundleDir;
}

export async function teardown(): Promise<void> {
  if (adminUrl && template) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    // Clones left behind by a crashed file are dropped too.
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`, [
      template,
      `tg_test_${process.pid}_%`,
    ]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  await embedded?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

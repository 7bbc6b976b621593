import { spawnSync } from "node:child_process";
import { appendFileSync, chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "../reliability/private-postgres.ts";

/**
 * A Postgres primary and a physical streaming replica made from it with pg_basebackup, both private to the
 * test, from the machine's PostgreSQL binaries (Debian's `postgresql` package: pg_config --bindir). Postgres
 * refuses to run as root, so as root every command runs as the `postgres` user.
 */
export interface ReplicaCluster {
  primaryUrl: string;
  replicaUrl: string;
  /** SELECT on the replica (e.g. pg_wal_replay_pause()) */
  onReplica(sql: string): Promise<void>;
  stopReplica(): void;
  destroy(): void;
}

function binDir(): string | undefined {
  const found = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  const dir = found.status === 0 ? found.stdout.trim() : "";
  return dir && existsSync(join(dir, "pg_basebackup")) ? dir : undefined;
}

export const postgresBinaries = binDir();

function run(command: string, args: string[]): string {
  const isRoot = process.getuid?.() === 0;
  const result = isRoot
    ? spawnSync("runuser", ["-u", "postgres", "--", command, ...args], { encoding: "utf8" })
    : spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

export async function startReplicaCluster(database: string): Promise<ReplicaCluster> {
  const bin = postgresBinaries;
  if (!bin) throw new Error("no PostgreSQL server binaries with pg_basebackup (pg_config --bindir)");
  const root = mkdtempSync(join(tmpdir(), "tollgate-replica-"));
  if (process.getuid?.() === 0) chmodSync(root, 0o777);
  const primaryDir = join(root, "primary");
  const replicaDir = join(root, "replica");
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  run(join(bin, "initdb"), ["-D", primaryDir, "-U", "postgres", "--auth=trust", "--no-sync"]);
  appendFileSync(
    join(primaryDir, "postgresql.conf"),
    [
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${root}'`,
      "wal_level = replica",
      "max_wal_senders = 4",
      "fsync = off",
      "",
    ].join("\n"),
  );
  // initdb --auth=trust allows replication connections from 127.0.0.1 already
  const pgCtl = join(bin, "pg_ctl");
  run(pgCtl, ["-D", primaryDir, "-l", join(root, "primary.log"), "-o", `-p ${primaryPort}`, "-w", "start"]);
  const primaryUrl = `postgresql://postgres@127.0.0.1:${primaryPort}/${database}`;
  const admin = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${primaryPort}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  run(join(bin, "pg_basebackup"), [
    "-h",
    "127.0.0.1",
    "-p",
    String(primaryPort),
    "-U",
    "postgres",
    "-D",
    replicaDir,
    "-R",
    "-X",
    "stream",
    "--checkpoint=fast",
  ]);
  run(pgCtl, ["-D", replicaDir, "-l", join(root, "replica.log"), "-o", `-p ${replicaPort} -c hot_standby=on`, "-w", "start"]);
  let replicaRunning = true;
  return {
    primaryUrl,
    replicaUrl: `postgresql://postgres@127.0.0.1:${replicaPort}/${database}`,
    async onReplica(sql) {
      const client = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${replicaPort}/postgres` });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
    stopReplica() {
      if (!replicaRunning) return;
      run(pgCtl, ["-D", replicaDir, "-m", "immediate", "-w", "stop"]);
      replicaRunning = false;
    },
    destroy() {
      for (const dir of replicaRunning ? [replicaDir, primaryDir] : [primaryDir]) {
        try {
          run(pgCtl, ["-D", dir, "-m", "immediate", "-w", "stop"]);
        } catch {
          // already stopped
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

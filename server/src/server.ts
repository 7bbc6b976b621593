import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buildApp, type App } from "./app.ts";
import type { Config } from "./config.ts";
import { createDatabase, type Database } from "./db/client.ts";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./db/embedded.ts";
import { migrateDatabase } from "./db/migrate.ts";
import { advisoryLocks } from "./db/advisory-lock.ts";
import { createReportsDatabase } from "./db/reports-database.ts";
import { startPartitionMaintenance, type PartitionMaintenance } from "./db/partitions.ts";
import { limitHeapGrowth } from "./heap-growth.ts";
import { createLogger, type Logger } from "./lib/logger.ts";
import { priceCall } from "./pricing/cost.ts";
import { TokenEstimator } from "./estimation/estimator.ts";
import { PriceBook } from "./pricing/price-book.ts";
import { seedPrices } from "./pricing/price-seed.ts";
import { seedFeePrices } from "./pricing/fee-seed.ts";
import { BatchMeter } from "./integrations/batches/batch-meter.ts";
import { createDurableRecorder } from "./recording/durable-recorder.ts";
import type { Recorder } from "./recording/recorder.ts";
import type { Spool } from "./recording/spool.ts";
import type { SpoolReplayer } from "./recording/spool-replayer.ts";
import { createMetrics, type Metrics } from "./metrics/index.ts";
import { knownModels } from "./metrics/known-models.ts";
import { createAccess, type Access } from "./access/index.ts";
import { readinessHandler } from "./readiness.ts";
import { checkingIntervalFor, limitRequests } from "./proxy/request-timeout.ts";
import { startBodyRecording, type BodyRecording } from "./recording/body-recording.ts";
import { createCallTracer, type CallTracer } from "./tracing/otel-export.ts";
import { startReconcileSchedule, type ReconcileSchedule } from "./reconciliation/schedule.ts";

export interface Tollgate {
  url: string;
  port: number;
  server: Server;
  app: App;
  db: Database;
  recorder: Recorder;
  /** where records wait while Postgres is unreachable, and what brings them back */
  spool: Spool;
  replayer: SpoolReplayer;
  /** admin auth, virtual keys, budgets */
  access: Access;
  metrics: Metrics;
  priceBook: PriceBook;
  /** meters batch results read through the proxy */
  batches: BatchMeter;
  logger: Logger;
  /** token estimates for calls without reported usage, counted in a worker thread */
  estimator: TokenEstimator;
  /** stored request/response bodies (TOLLGATE_LOG_BODIES) */
  bodies: BodyRecording;
  /** one OpenTelemetry span per call (OTEL_EXPORTER_OTLP_*), undefined when not configured */
  tracing: CallTracer | undefined;
  /** the background fetch of the providers' usage and cost reports (idle without an admin key) */
  reconcileSchedule: ReconcileSchedule;
  /** graceful: stop accepting, let calls in flight end (bounded), flush the recorder, stop embedded Postgres */
  close(): Promise<void>;
}

/** How long shutdown waits for token estimates in flight before recording their calls without them. */
const ESTIMATE_DRAIN_MS = 5_000;

/** Starts Tollgate from a parsed config: database (embedded when no URL), migrations, prices, server. */
export async function startTollgate(config: Config, options: { logger?: Logger; estimatorWorker?: URL } = {}): Promise<Tollgate> {
  const logger = options.logger ?? createLogger(config.logLevel);
  limitHeapGrowth(config.heapGrowthPercent);
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir, (msg) => logger.info(msg));
    databaseUrl = embedded.url;
    logger.info({ dataDir: config.dataDir }, "using embedded Postgres (DATABASE_URL is unset)");
  }
  const db = createDatabase(databaseUrl);
  let partitions: PartitionMaintenance;
  try {
    const applied = await migrateDatabase(db.pool, config.migrationDatabaseUrl);
    if (applied.length > 0) logger.info({ applied }, "migrations applied");
    await seedPrices(db.pool, config.extraPrices);
    await seedFeePrices(db.pool, config.extraFeePrices);
    // The calls table is partitioned by month: next months' partitions now and daily, retention if configured.
    partitions = await startPartitionMaintenance({
      pool: db.pool,
      retentionMonths: config.callsRetentionMonths,
      onRun: (created, dropped) => {
        if (created > 0 || dropped.length > 0) logger.info({ created, dropped }, "calls partitions maintained");
      },
      onError: (err) => logger.warn({ err: (err as Error).message }, "calls partition maintenance failed"),
    });
  } catch (err) {
    await db.close();
    await embedded?.stop();
    throw err;
  }
  const priceBook = await PriceBook.load(db.prisma);
  const reloadPrices = setInterval(() => {
    priceBook.reload().catch((err: unknown) => logger.warn({ err: (err as Error).message }, "price reload failed"));
  }, 60_000);
  reloadPrices.unref();

  // Reports read from TOLLGATE_REPORTS_DATABASE_URL (a streaming replica) when set, else from the primary.
  const reports = createReportsDatabase(db, config.reportsDatabaseUrl, config.reportsCheckMs);
  const metrics = createMetrics(config.metrics);
  // Models the price table knows get their own metric labels, whatever junk model names arrive first.
  metrics.reserveModels(knownModels(priceBook, config.providers.values()));
  const recording = await createDurableRecorder(config, db.pool, metrics, logger);
  const { recorder, spool, replayer, close: closeRecorder } = recording;
  const bodies = await startBodyRecording(config, db, metrics, logger);
  const tracing = createCallTracer(config, {
    exported: (n) => metrics.capture.spansExported(n),
    dropped: (n) => metrics.capture.spansDropped(n),
  });
  if (tracing) logger.info({ url: config.otel?.url }, "exporting a span per call over OTLP/HTTP");
  let access: Access;
  try {
    access = await createAccess({ config, pool: db.pool, prisma: db.prisma, priceBook, metrics, logger });
  } catch (err) {
    // A bad budget in TOLLGATE_CONFIG (or an unreachable database) stops start-up without leaking handles.
    clearInterval(reloadPrices);
    await closeRecorder();
    await bodies.close();
    await db.close();
    await embedded?.stop();
    throw err;
  }

  // Counting happens in a worker started at the first estimate: a process whose calls all report usage never
  // loads the tokenizer (≈30–70 MB). TOLLGATE_TOKENIZER_PRELOAD starts it now, off the event loop.
  const estimator = new TokenEstimator({ entry: options.estimatorWorker });
  if (config.tokenizerPreload) {
    estimator.preload((result) => {
      if ("ms" in result) logger.info({ ms: result.ms }, "tokenizer loaded");
      else logger.warn({ err: result.error }, "tokenizer failed to load; usage cannot be estimated");
    });
  }

  // Batch results read through the proxy become one call per result line (integrations/batches).
  const batchMeter = new BatchMeter({
    prisma: db.prisma,
    priceCall: (args) => priceCall(priceBook, args),
    // as every call: journaled and queued (rollups, budget ledgers), metrics, afterCall
    record: (call) => app.recordCall(call),
    onError: (err) => logger.warn({ err: (err as Error)?.message }, "batch metering failed"),
  });

  // Set when shutdown starts: /readyz answers 503 and answers say `Connection: close`.
  let draining = false;
  const app = buildApp({
    config,
    db,
    reports,
    metrics,
    logger,
    record: (call) => recording.record(call),
    recordPending: (call) => recording.journalPending(call),
    afterRecorded: (fn) => recording.afterJournaled(fn),
    onBody: bodies.recorder ? (body) => bodies.recorder?.enqueue(body) : undefined,
    metering: {
      priceCall: (args) => priceCall(priceBook, args),
      estimateUsage: (call) => estimator.estimate(call),
      onBatch: (call, event) => batchMeter.handle(call, event),
      onFailure(stage, err, call) {
        metrics.meteringFailure(stage === "estimate" ? "tokenizer" : stage);
        logger.warn({ callId: call.id, stage, err: (err as Error)?.message }, "metering step failed; the call went through");
      },
    },
    priceBook,
    access,
    beforeForward: access.beforeForward,
    afterCall: tracing ? [...(access.afterCall ?? []), (record) => tracing.record(record)] : access.afterCall,
    readiness: readinessHandler({ prisma: db.prisma, draining: () => draining, spool }),
  });

  // While draining, every answer says `Connection: close`: a keep-alive client then opens its next request on
  // a new connection (refused, so it goes to another replica) instead of racing the idle-connection close.
  const handler = app.handler;
  const server = createServer(
    { keepAliveTimeout: 65_000, noDelay: true, connectionsCheckingInterval: checkingIntervalFor(config.requestTimeoutMs) },
    (req, res) => {
      if (draining) res.shouldKeepAlive = false;
      handler(req, res);
    },
  );
  limitRequests(server, config.requestTimeoutMs, (err) => logger.debug({ err: err.message, code: err.code }, "malformed request"));
  if (config.maxConnections > 0) {
    // Node closes connections past the cap as soon as they are accepted (the client sees a reset and may retry).
    server.maxConnections = config.maxConnections;
    let dropped = 0;
    let lastLog = 0;
    server.on("drop", () => {
      dropped++;
      if (Date.now() - lastLog < 10_000) return;
      lastLog = Date.now();
      logger.warn({ dropped, maxConnections: config.maxConnections }, "connections over TOLLGATE_MAX_CONNECTIONS closed");
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info({ url }, "Tollgate listening");

  const reconcileSchedule = startReconcileSchedule({
    tryLock: advisoryLocks(db.pool),
    prisma: db.prisma,
    config: config.reconcile,
    metrics: metrics.reconciliation,
    logger,
  });

  let closing: Promise<void> | undefined;
  async function close(): Promise<void> {
    clearInterval(reloadPrices);
    await reconcileSchedule.stop();
    partitions.stop();
    draining = true;
    app.proxy.drain();
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // Behind a load balancer: keep serving while its health checks see /readyz answer 503 and take this
    // replica out, so no new call is refused at the door. Then stop accepting.
    if (config.shutdownDelayMs > 0) {
      logger.info({ ms: config.shutdownDelayMs }, "shutdown: /readyz answers 503; still accepting calls until the load balancer lets go");
      await sleep(config.shutdownDelayMs);
    }
    server.close();
    // Calls in flight may finish within the grace period; keep-alive connections are closed as they go idle.
    const deadline = Date.now() + config.shutdownGraceMs;
    for (;;) {
      server.closeIdleConnections();
      if (app.proxy.inFlight() === 0 || Date.now() >= deadline) break;
      await sleep(25);
    }
    if (app.proxy.inFlight() > 0) logger.warn({ inFlight: app.proxy.inFlight() }, "shutdown grace period over; cutting calls in flight");
    server.closeAllConnections();
    // Cut calls are recorded (client_cancelled) as their sockets close; give that a moment before the flush.
    const cutDeadline = Date.now() + 2_000;
    while (app.proxy.inFlight() > 0 && Date.now() < cutDeadline) await sleep(5);
    // Ended calls may still wait for their token estimate; past the bound they are recorded without one.
    const unestimated = await estimator.drain(ESTIMATE_DRAIN_MS);
    if (unestimated > 0) logger.warn({ calls: unestimated }, "shutdown: calls recorded without their token estimate");
    await estimator.close();
    await closeRecorder();
    await bodies.close();
    // The collector gets a moment for the last spans; shutdown never waits on it longer.
    await tracing?.shutdown(2_000);
    await access.close();
    app.proxy.close();
    await reports.close();
    await db.close();
    await embedded?.stop();
    logger.info("Tollgate stopped");
  }
  return {
    url,
    port,
    server,
    app,
    db,
    recorder,
    spool,
    replayer,
    bodies,
    tracing,
    access,
    metrics,
    priceBook,
    batches: batchMeter,
    logger,
    estimator,
    reconcileSchedule,
    close: () => (closing ??= close()),
  };
}

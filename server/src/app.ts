import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { precompressedAssets, staticCacheControl } from "./lib/compression.ts";
import { existsSync } from "node:fs";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import type { Config } from "./config.ts";
import type { Database } from "./db/client.ts";
import type { ReportsDatabase } from "./db/reports-database.ts";
import { errorJson, TollgateError, toTollgateError } from "./lib/errors.ts";
import type { Logger } from "./lib/logger.ts";
import type { CallRecord } from "./domain/call-record.ts";
import type { Metrics } from "./metrics/index.ts";
import { metricsHandler } from "./metrics/index.ts";
import { clientAddress, LoginLimiter } from "./api/login-limiter.ts";
import { apiRouter } from "./api/index.ts";
import type { Access } from "./access/index.ts";
import type { PriceBook } from "./pricing/price-book.ts";
import { configuredSecrets } from "./config/configured-secrets.ts";
import { recordRedactor } from "./recording/record-redactor.ts";
import { logCall } from "./proxy/call-log.ts";
import { sanitiseRecord } from "./recording/sanitise.ts";
import { DASHBOARD_DIR } from "./lib/paths.ts";
import { createProxyHandler, type ProxyHandler } from "./proxy/handler.ts";
import type { BeforeForward } from "./proxy/proxy-deps.ts";
import type { Metering } from "./proxy/finish.ts";
import type { PendingBody } from "./recording/body-record.ts";

export interface AppDeps {
  config: Config;
  db: Database;
  /** where report queries read (a replica with TOLLGATE_REPORTS_DATABASE_URL); the primary when absent */
  reports?: ReportsDatabase;
  metrics: Metrics;
  logger: Logger;
  metering: Metering;
  /** every finished call goes here exactly once (the recorder's queue) */
  record(call: CallRecord): void;
  /** a finished call whose record waits for its token estimate, as it is so far (the crash journal) */
  recordPending?(call: CallRecord): void;
  /** runs `fn` once the calls recorded so far are journaled (see ProxyDeps.afterRecorded); at once without it */
  afterRecorded?(fn: () => void): void;
  /** captured bodies (TOLLGATE_LOG_BODIES), for the body recorder */
  onBody?(body: PendingBody): void;
  /** the price table behind /api/prices (absent: an app built bare, in tests) */
  priceBook?: PriceBook;
  /** virtual keys and budgets: their proxy hooks are beforeForward/afterCall, their routers under /api */
  access?: Access;
  beforeForward?: BeforeForward[];
  /** runs for every finished call after it is queued (budget settlement); must not throw */
  afterCall?: Array<(record: CallRecord) => void>;
  dashboardDir?: string;
  /** GET /readyz; without it /readyz answers 200 whenever the process answers */
  readiness?: RequestHandler;
}

export interface App {
  handler: RequestListener;
  proxy: ProxyHandler;
  express: express.Express;
  /**
   * A finished call that did not pass the proxy (a batch job's result line): recorded exactly as a proxied
   * call is — redacted, sanitised, queued (so counted in the rollups and budget ledgers), observed in the
   * metrics, handed to afterCall.
   */
  recordCall(record: CallRecord): void;
}

/**
 * Builds Tollgate from its dependencies; never listens (tests start it on port 0). Proxy paths
 * (`/{provider}/…`) go straight to the proxy handler — no Express middleware or body parsing on the
 * hot path; everything else (API, dashboard, /metrics, health) goes through Express.
 */
export function buildApp(deps: AppDeps): App {
  const { config, metrics, logger } = deps;
  const redact = recordRedactor(configuredSecrets(config));
  const recordCall = (record: CallRecord): void => {
    redact(record);
    // after redaction, so a cut never leaves part of a secret behind
    sanitiseRecord(record);
    deps.record(record);
    metrics.observeCall(record);
    logCall(logger, record);
    for (const after of deps.afterCall ?? []) after(record);
  };
  const proxy = createProxyHandler({
    providers: config.providers,
    maxBodyBytes: config.maxBodyBytes,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    bodies: { mode: config.logBodies, maxBytes: config.bodyMaxBytes },
    onBody: deps.onBody,
    metering: deps.metering,
    beforeForward: deps.beforeForward ?? [],
    onCall: recordCall,
    afterRecorded: deps.afterRecorded,
    onPending(record) {
      redact(record);
      deps.recordPending?.(record);
    },
    onError(err, callId) {
      logger.error({ callId, err: err instanceof Error ? err.message : String(err) }, "proxy failure");
    },
  });

  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  // Liveness: the process answers. Readiness (can serve proxy traffic; database state in the body): readiness.ts.
  app.get("/readyz", deps.readiness ?? ((_req, res) => void res.json({ status: "ready" })));
  const scrape = metricsHandler(metrics, {
    token: config.metricsToken,
    throttle: {
      limiter: new LoginLimiter(config.access.loginAttemptsPerMinute, 60_000, Date.now),
      address: (req) => clientAddress(req, config.access.trustProxyHops),
    },
  });
  app.get("/metrics", (req, res) => scrape(req, res));

  // every /api route, built in one place (api/index.ts)
  app.use("/api", apiRouter(deps));

  const dashboardDir = deps.dashboardDir ?? DASHBOARD_DIR;
  if (existsSync(dashboardDir)) {
    const dashboard = express.Router();
    dashboard.use((_req, res, next) => {
      res.setHeader(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      );
      res.setHeader("X-Frame-Options", "DENY");
      res.setHeader("X-Content-Type-Options", "nosniff");
      res.setHeader("Referrer-Policy", "no-referrer");
      next();
    });
    dashboard.use(precompressedAssets(dashboardDir));
    dashboard.use(express.static(dashboardDir, { index: "index.html", cacheControl: false, setHeaders: staticCacheControl }));
    app.use(dashboard);
  }

  app.use((req, _res, next) => {
    const first = req.path.split("/")[1] ?? "";
    next(new TollgateError("not_found", `unknown provider or route "/${first}"; providers: ${[...config.providers.keys()].join(", ")}`));
  });
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const status = (err as { status?: number; type?: string }).status;
    const e =
      err instanceof TollgateError
        ? err
        : status === 400 || status === 413
          ? new TollgateError(status === 413 ? "payload_too_large" : "invalid_request", (err as Error).message)
          : toTollgateError(err);
    if (e.status >= 500) logger.error({ err: (err as Error)?.message }, "api failure");
    res.status(e.status).type("application/json").send(errorJson(e));
  };
  app.use(onError);

  const handler: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    let end = url.indexOf("/", 1);
    if (end === -1) end = url.indexOf("?");
    if (end === -1) end = url.length;
    if (config.providers.has(url.slice(1, end))) proxy.handle(req, res);
    else app(req, res);
  };
  return { handler, proxy, express: app, recordCall };
}

import express, { type RequestHandler } from "express";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import type { ReportsDatabase } from "../db/reports-database.ts";
import { TollgateError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import type { Metrics } from "../metrics/index.ts";
import type { PriceBook } from "../pricing/price-book.ts";
import { AdminSessions } from "../access/admin-sessions.ts";
import type { Access } from "../access/index.ts";
import { compressJson } from "../lib/compression.ts";
import { auditRouter, auditTrail } from "./audit.ts";
import { adminAuth } from "./auth.ts";
import { budgetNotificationsRouter } from "./budget-notifications.ts";
import { budgetsRouter } from "./budgets.ts";
import { callsRouter } from "./calls.ts";
import { forecastRouter } from "./forecast.ts";
import { dataErrorsAreBadRequests, rejectInvalidText } from "./input-guard.ts";
import { keysRouter } from "./keys.ts";
import { latencyStreamsRouter } from "./latency-streams.ts";
import { periodsRouter } from "./periods.ts";
import { pricesRouter } from "./prices.ts";
import { reconciliationRouter } from "./reconciliation.ts";
import { reportsRouter } from "./reports.ts";
import { apiResponseHeaders } from "./request-id.ts";
import { sessionsRouter } from "./sessions.ts";
import { statementRouter } from "./statement.ts";
import { suggestRouter } from "./suggest.ts";

export interface ApiDeps {
  config: Config;
  db: Database;
  /** where report queries read (a replica with TOLLGATE_REPORTS_DATABASE_URL); the primary when absent */
  reports?: ReportsDatabase;
  metrics: Metrics;
  logger: Logger;
  /** the price table POST /prices adds to; without it (an app built bare, in tests) /prices is not mounted */
  priceBook?: PriceBook;
  /** virtual keys and budgets; without it /keys, /budgets and the budget notifications are not mounted */
  access?: Access;
}

/** Admin auth in front of every /api route: request ids and no-store first, then the token or a session. */
export function adminGuards(config: Config, db: Database): RequestHandler[] {
  return [
    apiResponseHeaders,
    adminAuth({
      token: config.adminToken,
      sessions: config.adminToken ? new AdminSessions(db.prisma, config.adminToken, config.access.sessionHours * 3_600_000) : undefined,
      loginAttemptsPerMinute: config.access.loginAttemptsPerMinute,
      trustProxyHops: config.access.trustProxyHops,
    }),
  ];
}

/**
 * Everything under /api, built in one place from the services (mounted by app.ts): body parsing and
 * compression, admin auth, the report routers on the reports' database, the admin routers on the primary,
 * then 404 and data errors as 400.
 */
export function apiRouter(deps: ApiDeps): express.Router {
  const { config, db, logger } = deps;
  const api = express.Router();
  api.use(express.json({ limit: "1mb" }));
  api.use(compressJson);
  for (const guard of adminGuards(config, db)) api.use(guard);
  // after auth: a client without the admin token learns nothing but 401
  api.use(rejectInvalidText);
  const reportsPrisma = deps.reports?.prisma ?? db.prisma;
  // Every answer says where report reads come from and how far behind the primary that is, so a figure read
  // from a lagging replica is never presented as current without saying so.
  api.get("/reports/source", (_req, res) => void res.json(deps.reports?.state() ?? { source: "primary", lagMs: null, checkedAt: null }));
  if (deps.reports) {
    const reports = deps.reports;
    api.use((_req, res, next) => {
      // Set as the answer goes out, not as the request comes in: a query that failed over to the primary
      // while it ran must not be labelled as read from the replica.
      const writeHead = res.writeHead;
      res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
        const state = reports.state();
        this.setHeader("x-tollgate-reports-source", state.source);
        if (state.lagMs !== null) this.setHeader("x-tollgate-reports-lag-ms", String(state.lagMs));
        return writeHead.apply(this, args);
      } as typeof writeHead;
      next();
    });
  }
  api.use(callsRouter(reportsPrisma, reportsPrisma));
  api.use(reportsRouter(reportsPrisma));
  api.use(suggestRouter(reportsPrisma));
  api.use(latencyStreamsRouter(reportsPrisma));
  api.use(sessionsRouter(reportsPrisma));
  api.use(forecastRouter(reportsPrisma));

  // first of the admin routers: the audit trail sees every write to prices, budgets and periods that follows
  api.use(auditTrail(db.prisma, (err) => logger.error({ err: (err as Error)?.message }, "audit log write failed")));
  api.use(auditRouter(db.prisma));
  api.use(periodsRouter(db.prisma));
  api.use(statementRouter(db.prisma));
  if (deps.priceBook) api.use(pricesRouter({ prisma: db.prisma, priceBook: deps.priceBook }));
  api.use(reconciliationRouter({ prisma: db.prisma, config: config.reconcile }));
  const access = deps.access;
  if (access) {
    api.use(
      keysRouter({
        prisma: db.prisma,
        pepper: access.pepper,
        cache: access.keys,
        providers: new Set(config.providers.keys()),
        pinApp: (app) => deps.metrics.pinApp(app),
      }),
    );
    api.use(budgetsRouter({ prisma: db.prisma, saveBudget: access.saveBudget, refresh: access.refreshBudgets }));
    api.use(budgetNotificationsRouter(db.prisma));
  }

  api.use((req, _res, next) => next(new TollgateError("not_found", `no route ${req.method} /api${req.path}`)));
  api.use(dataErrorsAreBadRequests);
  return api;
}

import { Router, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { AuditResponse } from "./contract.ts";
import { z } from "zod";
import type { PrismaClient } from "../db/client.ts";
import { listAudit, recordAudit, type Actor } from "../audit/audit-log.ts";
import { SESSION_COOKIE } from "./auth.ts";
import { parseQuery } from "../reports/query.ts";

/** The kind of session behind an admin request (the auth guard has already checked it). */
export function actorOf(req: Request): Actor {
  if (req.headers.authorization !== undefined) return "api-token";
  if ((req.headers.cookie ?? "").includes(`${SESSION_COOKIE}=`)) return "dashboard";
  return "open-api";
}

/** Changes audited by the trail: any write to prices, budgets (and their sub-routes) or periods. */
const AUDITED = /^\/(prices|budgets|periods)(\/|$)/;
const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Records every successful write under /prices, /budgets and /periods in the audit log before its response
 * is sent (so a client that saw the response finds the entry), whatever router serves it: the routers stay
 * unaware of the log. The request body is kept with secret-looking fields redacted.
 */
export function auditTrail(prisma: PrismaClient, onError: (err: unknown) => void): Router {
  return Router().use(trail(prisma, onError));
}

function trail(prisma: PrismaClient, onError: (err: unknown) => void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!WRITES.has(req.method) || !AUDITED.test(req.path)) return next();
    const path = req.path;
    let recorded = false;
    const record = (): Promise<void> => {
      if (recorded || res.statusCode >= 400) return Promise.resolve();
      recorded = true;
      const subject = decodeURIComponent(path.split("/").slice(2).join("/")) || path.split("/")[1]!;
      return recordAudit(prisma, {
        actor: actorOf(req),
        action: `${req.method} /${path.split("/")[1]}`,
        subject,
        detail: { path, query: req.query, body: req.body ?? null },
      }).catch(onError);
    };
    const json = res.json.bind(res);
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.json = ((body: unknown) => {
      void record().then(() => json(body));
      return res;
    }) as Response["json"];
    res.end = ((...args: unknown[]) => {
      if (recorded) return end(...args);
      void record().then(() => end(...args));
      return res;
    }) as Response["end"];
    next();
  };
}

const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
});

/** GET /audit: the audit log, newest first (?limit=, ?before=<id> for the next page). */
export function auditRouter(prisma: PrismaClient): Router {
  const router = Router();
  router.get("/audit", async (req, res) => {
    const q = parseQuery(auditQuery, req.query);
    const entries = await listAudit(prisma, { limit: q.limit, before: q.before !== undefined ? BigInt(q.before) : undefined });
    res.json({ entries, next: entries.length === q.limit ? entries[entries.length - 1]!.id : null } satisfies AuditResponse);
  });
  return router;
}

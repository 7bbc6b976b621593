import { Router } from "express";
import type { PeriodsResponse } from "./contract.ts";
import { z } from "zod";
import type { PrismaClient } from "../db/client.ts";
import { closeMonth, listClosed, reopenMonth } from "../books/periods.ts";
import { actorOf } from "./audit.ts";
import { parseOr400 } from "../lib/parse-or-400.ts";

const closeBody = z.object({ reason: z.string().max(500).optional() });
const reopenBody = z.object({ reason: z.string().trim().min(1, "required to reopen a closed month").max(500) });

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = parseOr400(schema, body ?? {});
  return parsed;
}

/**
 * GET /periods (closed months), POST /periods/:month/close {reason?}, POST /periods/:month/reopen {reason}.
 * Both writes go to the audit log (api/audit.ts's trail).
 */
export function periodsRouter(prisma: PrismaClient): Router {
  const router = Router();
  router.get("/periods", async (_req, res) => {
    res.json({ closed: await listClosed(prisma) } satisfies PeriodsResponse);
  });
  router.post("/periods/:month/close", async (req, res) => {
    const { reason } = parseBody(closeBody, req.body);
    res.status(201).json(await closeMonth(prisma, req.params.month, actorOf(req), reason?.trim() || null));
  });
  router.post("/periods/:month/reopen", async (req, res) => {
    const { reason } = parseBody(reopenBody, req.body);
    res.json({ reopened: await reopenMonth(prisma, req.params.month, reason), reason });
  });
  return router;
}

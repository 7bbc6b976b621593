import { Router } from "express";
import { z } from "zod";
import type { PrismaClient } from "../db/client.ts";
import { TollgateError } from "../lib/errors.ts";
import { getSession, listSessions } from "../reports/sessions.ts";
import type { SessionDetail, SessionsPage } from "./contract.ts";
import { parseQuery, resolveRange } from "../reports/query.ts";

const time = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

const listSchema = z.object({
  from: time.optional(),
  to: time.optional(),
  app: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(400).optional(),
});

/** Keyset cursor over sessions: the last call time and id of a page's last session. */
function encodeCursor(s: { lastCallAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([s.lastCallAt, s.id])).toString("base64url");
}

function decodeCursor(cursor: string): { lastCallAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown];
    const lastCallAt = new Date(String(at));
    if (typeof id === "string" && !Number.isNaN(lastCallAt.getTime())) return { lastCallAt, id };
  } catch {
    // falls through to the 400
  }
  throw new TollgateError("invalid_request", "cursor: not a cursor this API returned");
}

/** GET /api/sessions (sessions in a range, most recently active first) and GET /api/sessions/:id (its calls). */
export function sessionsRouter(prisma: PrismaClient): Router {
  const router = Router();
  router.get("/sessions", async (req, res) => {
    const q = parseQuery(listSchema, req.query);
    const range = resolveRange({ from: q.from, to: q.to ?? new Date(Date.now() + 60_000) });
    const page = await listSessions(prisma, { ...range, app: q.app, limit: q.limit, after: q.cursor ? decodeCursor(q.cursor) : undefined });
    const last = page.sessions[page.sessions.length - 1];
    res.json({ sessions: page.sessions, nextCursor: page.more && last ? encodeCursor(last) : null } satisfies SessionsPage);
  });
  router.get("/sessions/:id", async (req, res) => {
    const id = req.params.id;
    if (id.length === 0 || id.length > 200) throw new TollgateError("invalid_request", "id: a session id is 1–200 characters");
    const found = await getSession(prisma, id);
    if (!found) throw new TollgateError("not_found", `no session with id ${id}`);
    res.json({ session: found.session, calls: found.calls } satisfies SessionDetail);
  });
  return router;
}

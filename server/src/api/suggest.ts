import { Router } from "express";
import type { PrismaClient } from "../db/client.ts";
import { suggest, suggestSchema } from "../reports/suggestions.ts";
import { parseQuery } from "../reports/query.ts";

/** GET /suggest?field=model&prefix=gpt: known values for a filter input (reports/suggestions.ts says from where). */
export function suggestRouter(db: PrismaClient): Router {
  const router = Router();
  router.get("/suggest", async (req, res) => {
    res.json(await suggest(db, parseQuery(suggestSchema, req.query)));
  });
  return router;
}

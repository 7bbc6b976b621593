import { Router } from "express";
import type pg from "pg";
import { suggest, suggestSchema } from "../reports/suggestions.ts";
import { parseQuery } from "../reports/query.ts";

/** GET /suggest?field=model&prefix=gpt: known values for a filter input (reports/suggestions.ts says from where). */
export function suggestRouter(pool: pg.Pool): Router {
  const router = Router();
  router.get("/suggest", async (req, res) => {
    res.json(await suggest(pool, parseQuery(suggestSchema, req.query)));
  });
  return router;
}

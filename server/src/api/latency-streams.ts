import { Router } from "express";
import type { PrismaClient } from "../db/client.ts";
import { latencyStreams, streamsSchema } from "../reports/latency-streams.ts";
import { parseQuery } from "../reports/query.ts";

/** GET /latency/streams: TTFT of streamed vs non-streamed calls and tokens per second of streams (reports/latency-streams.ts). */
export function latencyStreamsRouter(db: PrismaClient): Router {
  const router = Router();
  router.get("/latency/streams", async (req, res) => {
    res.json(await latencyStreams(db, parseQuery(streamsSchema, req.query)));
  });
  return router;
}

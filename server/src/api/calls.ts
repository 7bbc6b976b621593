import { Router } from "express";
import type pg from "pg";
import type { PrismaClient } from "../db/client.ts";
import { TollgateError } from "../errors.ts";
import { findBodies } from "../recording/body-writer.ts";
import { callJson, type CallRow } from "../reports/call-rows.ts";
import { getCall, getCallPrice, listCalls } from "../reports/calls.ts";
import { streamCallsCsv } from "./calls-csv.ts";
import { wantsCsv } from "./csv.ts";

/** The stored bodies of a call, over the calls row's own (always null since bodies moved to call_bodies). */
async function withBodies(prisma: PrismaClient, row: CallRow): Promise<Record<string, unknown>> {
  const stored = await findBodies(prisma, row.id, row.startedAt);
  if (!stored) return { requestBody: row.requestBody ?? null, responseBody: row.responseBody ?? null, request: null };
  return {
    requestBody: stored.requestBody,
    responseBody: stored.responseBody,
    // What replaying the call needs (copy as curl) and how the bodies were cut.
    request: { method: stored.method, path: stored.path, query: stored.query, headers: stored.requestHeaders },
    requestTruncated: stored.requestTruncated,
    responseTruncated: stored.responseTruncated,
    responseAssembled: stored.responseAssembled,
  };
}

export function callsRouter(pool: pg.Pool, prisma?: PrismaClient): Router {
  const router = Router();
  router.get("/calls.csv", async (req, res) => {
    await streamCallsCsv(pool, req.query, res);
  });
  router.get("/calls", async (req, res) => {
    if (wantsCsv(req)) return streamCallsCsv(pool, req.query, res);
    const page = await listCalls(pool, req.query);
    res.json({ calls: page.calls.map(callJson), nextCursor: page.nextCursor });
  });
  router.get("/calls/:id", async (req, res) => {
    const row = await getCall(pool, req.params.id);
    if (!row) throw new TollgateError("not_found", `no call with id ${req.params.id}`);
    let price: Record<string, unknown> | null = null;
    if (row.priceId) {
      price = await getCallPrice(pool, row.priceId as string);
    }
    const bodies = prisma ? await withBodies(prisma, row) : {};
    res.json({ ...callJson(row), ...bodies, price });
  });
  return router;
}

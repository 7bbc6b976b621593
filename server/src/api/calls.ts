import { Router } from "express";
import type { PrismaClient } from "../db/client.ts";
import { TollgateError } from "../lib/errors.ts";
import { findBodies } from "../recording/body-writer.ts";
import { callJson, type CallRow } from "../reports/call-rows.ts";
import { getCall, getCallPrice, listCalls } from "../reports/calls.ts";
import { streamCallsCsv } from "./calls-csv.ts";
import type { Call, CallDetail, CallPrice, CallsPage } from "./contract.ts";
import { wantsCsv } from "./csv.ts";

/** A row as the API sends it: CALL_SELECT's aliases are the Call fields (the pg row itself is untyped). */
const toCall = (row: CallRow): Call => callJson(row) as unknown as Call;

/** The stored bodies of a call, over the calls row's own (always null since bodies moved to call_bodies). */
async function withBodies(prisma: PrismaClient, row: CallRow): Promise<Partial<CallDetail>> {
  const stored = await findBodies(prisma, row.id, row.startedAt);
  if (!stored)
    return {
      requestBody: (row.requestBody as string | null) ?? null,
      responseBody: (row.responseBody as string | null) ?? null,
      request: null,
    };
  return {
    requestBody: stored.requestBody,
    responseBody: stored.responseBody,
    // What replaying the call needs (copy as curl) and how the bodies were cut.
    request: {
      method: stored.method,
      path: stored.path,
      query: stored.query,
      headers: stored.requestHeaders as Record<string, string> | null,
    },
    requestTruncated: stored.requestTruncated,
    responseTruncated: stored.responseTruncated,
    responseAssembled: stored.responseAssembled,
  };
}

export function callsRouter(reports: PrismaClient, prisma?: PrismaClient): Router {
  const router = Router();
  router.get("/calls.csv", async (req, res) => {
    await streamCallsCsv(reports, req.query, res);
  });
  router.get("/calls", async (req, res) => {
    if (wantsCsv(req)) return streamCallsCsv(reports, req.query, res);
    const page = await listCalls(reports, req.query);
    res.json({ calls: page.calls.map(toCall), nextCursor: page.nextCursor } satisfies CallsPage);
  });
  router.get("/calls/:id", async (req, res) => {
    const row = await getCall(reports, req.params.id);
    if (!row) throw new TollgateError("not_found", `no call with id ${req.params.id}`);
    let price: CallPrice | null = null;
    if (row.priceId) {
      price = (await getCallPrice(reports, row.priceId)) as CallPrice | null;
    }
    const bodies = prisma ? await withBodies(prisma, row) : {};
    res.json({ ...toCall(row), ...bodies, price } satisfies CallDetail);
  });
  return router;
}

import type { PrismaClient } from "../db/client.ts";
import { arrayLiteral } from "../db/array-literal.ts";
import type { StoredBody } from "./body-record.ts";

/**
 * Inserts a batch of bodies with one statement (one array per column, each sent as one array literal
 * string: ../db/array-literal.ts, about half the Node CPU of the driver's per-element encoding). A call's
 * body is written once: a replay is skipped. Returns the number of rows inserted.
 */
export async function insertBodies(prisma: PrismaClient, rows: readonly StoredBody[]): Promise<number> {
  if (rows.length === 0) return 0;
  const col = (get: (r: StoredBody) => unknown): string => arrayLiteral(rows, get);
  return prisma.$executeRaw`
    INSERT INTO call_bodies (call_id, started_at, method, path, query, request_headers, request_body, request_truncated,
                             response_body, response_truncated, response_assembled)
    SELECT id, at, method, path, query, headers::jsonb, req, req_cut, res, res_cut, assembled
      FROM unnest(${col((r) => r.callId)}::uuid[], ${col((r) => r.startedAt)}::timestamptz[],
                  ${col((r) => r.method)}::text[], ${col((r) => r.path)}::text[], ${col((r) => r.query)}::text[],
                  ${col((r) => (r.headers ? JSON.stringify(r.headers) : null))}::text[], ${col((r) => r.requestBody)}::text[],
                  ${col((r) => r.requestTruncated)}::bool[], ${col((r) => r.responseBody)}::text[],
                  ${col((r) => r.responseTruncated)}::bool[], ${col((r) => r.responseAssembled)}::bool[])
           AS b(id, at, method, path, query, headers, req, req_cut, res, res_cut, assembled)
    ON CONFLICT DO NOTHING`;
}

/** A call's stored bodies, or undefined when none were captured. */
export async function findBodies(prisma: PrismaClient, callId: string, startedAt: Date) {
  return prisma.callBody.findUnique({ where: { callId_startedAt: { callId, startedAt } } });
}

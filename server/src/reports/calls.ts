import { z } from "zod";
import type { PrismaClient } from "../db/client.ts";
import { TollgateError } from "../lib/errors.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { CALL_SELECT, type CallRow } from "./call-rows.ts";
import { callFilterClauses, callFilterSchema } from "./call-filters.ts";
import { filterSchema, parseQuery, resolveRange } from "./query.ts";
import { rawRangeLeg } from "./report-source.ts";

const listSchema = filterSchema.extend(callFilterSchema.shape).extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  session: z.string().min(1).max(200).optional(),
  traceId: z
    .string()
    .regex(/^[0-9a-f]{32}$/, "32 lower-case hex digits")
    .optional(),
});

/** `property.<name>=value` query parameters (x-tollgate-property-<name> values) as one object to match. */
export function propertyFilters(query: unknown): Record<string, string> | null {
  let out: Record<string, string> | null = null;
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (!k.startsWith("property.") || k.length === 9) continue;
    const value = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof value !== "string") continue;
    if (k.length > 209 || value.length > 1000) throw new TollgateError("invalid_request", `${k.slice(0, 60)}: too long`);
    // Header names are case-insensitive and stored lower-cased.
    (out ??= {})[k.slice(9).toLowerCase()] = value;
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keyset cursor: the (startedAt, id) of the last row of a page; no OFFSET, no count over the range. */
export function encodeCursor(row: { startedAt: Date; id: string }): string {
  return Buffer.from(`${row.startedAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { startedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const startedAt = new Date(at ?? "");
  if (!id || !UUID.test(id) || Number.isNaN(startedAt.getTime()))
    throw new TollgateError("invalid_request", "cursor: not a cursor this API returned");
  return { startedAt, id };
}

/** One page of calls, newest first. */
export async function listCalls(db: PrismaClient, query: unknown): Promise<{ calls: CallRow[]; nextCursor: string | null }> {
  const q = parseQuery(listSchema, query);
  // The log defaults to all time (not the last day): an engineer looking for a call should find it.
  const range = resolveRange({ from: q.from ?? new Date(0), to: q.to ?? new Date(Date.now() + 60_000) });
  const extra: Prisma.Sql[] = [];
  if (q.session !== undefined) extra.push(Prisma.sql`session_id = ${q.session}`);
  extra.push(...callFilterClauses(q));
  if (q.traceId !== undefined) extra.push(Prisma.sql`trace_id = ${q.traceId}`);
  const properties = propertyFilters(query);
  if (properties) extra.push(Prisma.sql`properties @> ${JSON.stringify(properties)}::jsonb`);
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    extra.push(Prisma.sql`(started_at, id) < (${c.startedAt}, ${c.id}::uuid)`);
  }
  const leg = rawRangeLeg(range, q, extra);
  const rows = await db.$queryRaw<
    CallRow[]
  >`SELECT ${CALL_SELECT} FROM calls WHERE ${leg.where} ORDER BY started_at DESC, id DESC LIMIT ${q.limit + 1}`;
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const last = page[page.length - 1];
  return { calls: page, nextCursor: more && last ? encodeCursor(last) : null };
}

export async function getCall(db: PrismaClient, id: string): Promise<CallRow | undefined> {
  if (!UUID.test(id)) throw new TollgateError("invalid_request", "id: must be a call id (UUID)");
  const rows = await db.$queryRaw<CallRow[]>`SELECT ${CALL_SELECT} FROM calls WHERE id = ${id}::uuid LIMIT 1`;
  return rows[0];
}

/** The price a call was priced with, under its API names (rates as Postgres prints them); null when it is gone. */
export interface CallPrice {
  id: string;
  provider: string;
  model: string;
  matchType: string;
  serviceTier: string | null;
  effectiveFrom: Date;
  inputUsdPerMTok: string;
  cachedInputUsdPerMTok: string | null;
  cacheWriteUsdPerMTok: string | null;
  cacheWrite1hUsdPerMTok: string | null;
  outputUsdPerMTok: string;
  inputAudioUsdPerMTok: string | null;
  outputAudioUsdPerMTok: string | null;
  tiers: unknown;
  source: string;
}

export async function getCallPrice(db: PrismaClient, priceId: string): Promise<CallPrice | null> {
  const rows = await db.$queryRaw<CallPrice[]>`SELECT id, provider, model, match_type AS "matchType", service_tier AS "serviceTier",
      effective_from AS "effectiveFrom", input_usd_per_mtok::text AS "inputUsdPerMTok",
      cached_input_usd_per_mtok::text AS "cachedInputUsdPerMTok", cache_write_usd_per_mtok::text AS "cacheWriteUsdPerMTok",
      cache_write_1h_usd_per_mtok::text AS "cacheWrite1hUsdPerMTok", output_usd_per_mtok::text AS "outputUsdPerMTok",
      input_audio_usd_per_mtok::text AS "inputAudioUsdPerMTok", output_audio_usd_per_mtok::text AS "outputAudioUsdPerMTok", tiers, source
    FROM prices WHERE id = ${priceId}`;
  return rows[0] ?? null;
}

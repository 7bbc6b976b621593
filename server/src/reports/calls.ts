import type pg from "pg";
import { z } from "zod";
import { TollgateError } from "../errors.ts";
import { CALL_SELECT, type CallRow } from "./call-rows.ts";
import { callFilterClauses, callFilterSchema } from "./call-filters.ts";
import { filterSchema, filterSql, parseQuery, resolveRange } from "./query.ts";

const listSchema = filterSchema.extend(callFilterSchema.shape).extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  session: z.string().min(1).max(200).optional(),
  traceId: z.string().regex(/^[0-9a-f]{32}$/, "32 lower-case hex digits").optional(),
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
  if (!id || !UUID.test(id) || Number.isNaN(startedAt.getTime())) throw new TollgateError("invalid_request", "cursor: not a cursor this API returned");
  return { startedAt, id };
}

/** One page of calls, newest first. */
export async function listCalls(pool: pg.Pool, query: unknown): Promise<{ calls: CallRow[]; nextCursor: string | null }> {
  const q = parseQuery(listSchema, query);
  // The log defaults to all time (not the last day): an engineer looking for a call should find it.
  const range = resolveRange({ from: q.from ?? new Date(0), to: q.to ?? new Date(Date.now() + 60_000) });
  const params: unknown[] = [];
  let where = filterSql(q, range, params);
  if (q.session !== undefined) {
    params.push(q.session);
    where += ` AND session_id = $${params.length}`;
  }
  for (const clause of callFilterClauses(q, params)) where += ` AND ${clause}`;
  if (q.traceId !== undefined) {
    params.push(q.traceId);
    where += ` AND trace_id = $${params.length}`;
  }
  const properties = propertyFilters(query);
  if (properties) {
    params.push(JSON.stringify(properties));
    where += ` AND properties @> $${params.length}::jsonb`;
  }
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    params.push(c.startedAt, c.id);
    where += ` AND (started_at, id) < ($${params.length - 1}, $${params.length}::uuid)`;
  }
  params.push(q.limit + 1);
  const { rows } = await pool.query<CallRow>(
    `SELECT ${CALL_SELECT} FROM calls WHERE ${where} ORDER BY started_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const last = page[page.length - 1];
  return { calls: page, nextCursor: more && last ? encodeCursor(last) : null };
}

export async function getCall(pool: pg.Pool, id: string): Promise<CallRow | undefined> {
  if (!UUID.test(id)) throw new TollgateError("invalid_request", "id: must be a call id (UUID)");
  const { rows } = await pool.query<CallRow>(`SELECT ${CALL_SELECT} FROM calls WHERE id = $1 LIMIT 1`, [id]);
  return rows[0];
}

const PRICE_SELECT = `id, provider, model, match_type AS "matchType", service_tier AS "serviceTier",
  effective_from AS "effectiveFrom", input_usd_per_mtok AS "inputUsdPerMTok",
  cached_input_usd_per_mtok AS "cachedInputUsdPerMTok", cache_write_usd_per_mtok AS "cacheWriteUsdPerMTok",
  cache_write_1h_usd_per_mtok AS "cacheWrite1hUsdPerMTok", output_usd_per_mtok AS "outputUsdPerMTok",
  input_audio_usd_per_mtok AS "inputAudioUsdPerMTok", output_audio_usd_per_mtok AS "outputAudioUsdPerMTok", tiers, source`;

/** The price row a call was priced with, under its API names; null when it is gone. */
export async function getCallPrice(pool: pg.Pool, priceId: string): Promise<Record<string, unknown> | null> {
  const { rows } = await pool.query(`SELECT ${PRICE_SELECT} FROM prices WHERE id = $1`, [priceId]);
  return rows[0] ?? null;
}

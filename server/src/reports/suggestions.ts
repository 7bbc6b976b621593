import type { PrismaClient } from "../db/client.ts";
import { z } from "zod";
import { Prisma } from "../generated/prisma/client.ts";

/**
 * Known values for the dashboard's filter inputs, matched by prefix (case-insensitive), busiest first.
 *
 * - provider, app, model: from the daily call rollups of the last SUGGEST_DAYS days (one row per day,
 *   provider, app, model and outcome; a few thousand rows for 90 days of ordinary traffic), never raw calls.
 * - user, property names and property values: no rollup carries them, so they come from the latest
 *   SUGGEST_SAMPLE calls (read newest first on the started_at index): bounded work whatever the table's
 *   size, at the price of not knowing a user last seen before those calls.
 */
export const SUGGEST_FIELDS = ["provider", "app", "model", "user", "property", "propertyValue"] as const;
export type SuggestField = (typeof SUGGEST_FIELDS)[number];
export const SUGGEST_DAYS = 90;
export const SUGGEST_SAMPLE = 20_000;
export const SUGGEST_MAX = 50;

export const suggestSchema = z
  .object({
    field: z.enum(SUGGEST_FIELDS),
    prefix: z.string().max(200).default(""),
    /** the property whose values are wanted (field=propertyValue) */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "a property name (lower-case header suffix)")
      .optional(),
    limit: z.coerce.number().int().min(1).max(SUGGEST_MAX).default(20),
  })
  .refine((q) => q.field !== "propertyValue" || q.name !== undefined, { path: ["name"], message: "required when field=propertyValue" });
export type SuggestQuery = z.infer<typeof suggestSchema>;

export interface Suggestions {
  field: SuggestField;
  /** where the values came from: "rollups" (every call of the last SUGGEST_DAYS days) or "recent calls" */
  source: "rollups" | "recent calls";
  values: Array<{ value: string; calls: number }>;
}

const ROLLUP_COLUMN = {
  provider: Prisma.sql`provider`,
  app: Prisma.sql`app`,
  model: Prisma.sql`model`,
} as const;

/** The SQL expression giving one value per sampled call (property names: one row per name). */
function sampleValue(q: SuggestQuery): Prisma.Sql {
  if (q.field === "user") return Prisma.sql`"user"`;
  if (q.field === "property")
    return Prisma.sql`jsonb_object_keys(CASE WHEN jsonb_typeof(properties) = 'object' THEN properties ELSE '{}'::jsonb END)`;
  return Prisma.sql`properties ->> ${q.name ?? ""}::text`;
}

export async function suggest(db: PrismaClient, q: SuggestQuery, now = new Date()): Promise<Suggestions> {
  const prefix = q.prefix.toLowerCase();
  if (q.field === "provider" || q.field === "app" || q.field === "model") {
    const column = ROLLUP_COLUMN[q.field];
    const since = new Date(now.getTime() - SUGGEST_DAYS * 86_400_000);
    const rows = await db.$queryRaw<Array<{ value: string; calls: string }>>(
      Prisma.sql`SELECT ${column} AS value, sum(calls)::text AS calls FROM call_rollups_daily
        WHERE day >= ${since} AND ${column} <> '' AND starts_with(lower(${column}), ${prefix})
        GROUP BY 1 ORDER BY sum(calls) DESC, 1 LIMIT ${q.limit}`,
    );
    return { field: q.field, source: "rollups", values: rows.map((r) => ({ value: r.value, calls: Number(r.calls) })) };
  }
  const rows = await db.$queryRaw<Array<{ value: string; calls: string }>>(
    Prisma.sql`SELECT value, count(*)::text AS calls
       FROM (SELECT ${sampleValue(q)} AS value FROM (SELECT "user", properties FROM calls ORDER BY started_at DESC LIMIT ${SUGGEST_SAMPLE}) AS recent) AS v
      WHERE value IS NOT NULL AND value <> '' AND starts_with(lower(value), ${prefix})
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${q.limit}`,
  );
  return { field: q.field, source: "recent calls", values: rows.map((r) => ({ value: r.value, calls: Number(r.calls) })) };
}

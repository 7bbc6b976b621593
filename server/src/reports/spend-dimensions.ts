import { TollgateError } from "../lib/errors.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { groupKey, type Leg } from "./report-source.ts";

/**
 * The dimensions a spend report can group by (`groupBy=property:team,model`): up to three, each a column of
 * the calls (provider, app, model, user, key) or a value of the call's `x-tollgate-property-<name>` header.
 */
export const PLAIN_DIMENSIONS = ["provider", "app", "model", "user", "key"] as const;
export type PlainDimension = (typeof PLAIN_DIMENSIONS)[number];
export type Dimension = PlainDimension | `property:${string}`;

export const MAX_DIMENSIONS = 3;
/** Property names as the proxy records them: the header suffix, lower-case. */
const PROPERTY_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export function parseDimensions(raw: string | undefined): Dimension[] {
  const parts = (raw ?? "provider").split(",").map((s) => s.trim());
  if (parts.length > MAX_DIMENSIONS) throw new TollgateError("invalid_request", `groupBy: at most ${MAX_DIMENSIONS} dimensions`);
  const seen = new Set<string>();
  for (const p of parts) {
    const ok = (PLAIN_DIMENSIONS as readonly string[]).includes(p) || (p.startsWith("property:") && PROPERTY_NAME.test(p.slice(9)));
    if (!ok) {
      throw new TollgateError("invalid_request", `groupBy: "${p}" is not one of ${PLAIN_DIMENSIONS.join(", ")}, property:<name>`);
    }
    if (seen.has(p)) throw new TollgateError("invalid_request", `groupBy: "${p}" given twice`);
    seen.add(p);
  }
  return parts as Dimension[];
}

/** `property.<name>=value` query parameters (exact matches on the call's recorded properties). */
export function parsePropertyFilters(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (!k.startsWith("property.")) continue;
    const name = k.slice(9);
    const value = Array.isArray(v) ? v[v.length - 1] : v;
    if (!PROPERTY_NAME.test(name)) throw new TollgateError("invalid_request", `${k}: not a property name`);
    if (typeof value !== "string" || value.length === 0 || value.length > 200)
      throw new TollgateError("invalid_request", `${k}: 1 to 200 characters`);
    out[name] = value;
  }
  return out;
}

/** True when the hourly/daily call rollups carry every dimension (provider, app, model) and no property filter applies. */
export function rollupsServe(dims: readonly Dimension[], properties: Record<string, string>): boolean {
  return Object.keys(properties).length === 0 && dims.every((d) => d === "provider" || d === "app" || d === "model");
}

/** SQL of a dimension's value over a leg's row (model '' when none); property names go in as parameters. */
export function dimensionSql(dim: Dimension, leg: Pick<Leg, "model" | "user">): Prisma.Sql {
  switch (dim) {
    case "provider":
    case "app":
    case "model":
    case "user":
      return groupKey(dim, leg);
    case "key":
      return Prisma.raw("coalesce(key_id, '(none)')");
    default:
      return Prisma.sql`coalesce(properties ->> ${dim.slice(9)}::text, '(none)')`;
  }
}

/** The single `key` of a group: its values joined (one dimension: the value itself). */
export function joinKey(values: readonly string[]): string {
  return values.join(" · ");
}

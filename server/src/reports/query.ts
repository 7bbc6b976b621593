import { z } from "zod";
import { OUTCOMES } from "../domain/call-record.ts";
import { TollgateError } from "../lib/errors.ts";
import { parseOr400 } from "../lib/parse-or-400.ts";

const time = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const GROUP_BY = ["provider", "app", "model", "user"] as const;
export const INTERVALS = ["hour", "day", "month"] as const;
/** Minute buckets, for the failures report over short ranges only (read from raw calls). */
export const FINE_INTERVALS = ["minute", "5minute"] as const;
/** The longest range minute buckets are served for (6 h = 360 one-minute buckets). */
export const FINE_RANGE_MS = 6 * 3600_000;
export type GroupBy = (typeof GROUP_BY)[number];
export type Interval = (typeof INTERVALS)[number];

/** Filters shared by every report; exact matches. */
export const filterSchema = z.object({
  from: time.optional(),
  to: time.optional(),
  provider: z.string().min(1).max(200).optional(),
  app: z.string().min(1).max(200).optional(),
  model: z.string().min(1).max(200).optional(),
  /** one outcome, or "failed": every outcome but ok */
  outcome: z.enum([...OUTCOMES, "failed"]).optional(),
});

export const reportSchema = filterSchema.extend({
  groupBy: z.enum(GROUP_BY).default("provider"),
  interval: z.enum(INTERVALS).optional(),
});

/** Parses query parameters; a bad one becomes a 400 naming it. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) flat[k] = Array.isArray(v) ? v[v.length - 1] : v;
  return parseOr400(schema, flat, "query");
}

export interface TimeRange {
  from: Date;
  to: Date;
}

/** Defaults to the last 24 hours; rejects inverted ranges. */
export function resolveRange(q: { from?: Date; to?: Date }): TimeRange {
  const to = q.to ?? new Date();
  const from = q.from ?? new Date(to.getTime() - 24 * 3600_000);
  if (from.getTime() >= to.getTime()) throw new TollgateError("invalid_request", "from: must be before to");
  return { from, to };
}

/** An interval suited to the range when none is given: ≤2 days hourly, ≤120 days daily, else monthly. */
export function resolveInterval(range: TimeRange, interval: Interval | undefined): Interval {
  if (interval) return interval;
  const hours = (range.to.getTime() - range.from.getTime()) / 3600_000;
  return hours <= 48 ? "hour" : hours <= 24 * 120 ? "day" : "month";
}

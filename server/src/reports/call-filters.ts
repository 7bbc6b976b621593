import { z } from "zod";
import { Prisma } from "../generated/prisma/client.ts";
import { isDecimalString } from "../lib/decimal.ts";

/**
 * Filters only the call log has: user, HTTP status, latency above (ms), cost above ($, exact: compared as
 * numeric, never as a float). Each is one indexed-range-friendly condition ANDed to the log's WHERE.
 */
export const callFilterSchema = z.object({
  user: z.string().min(1).max(200).optional(),
  status: z.coerce.number().int().min(100, "an HTTP status code, 100 to 599").max(599, "an HTTP status code, 100 to 599").optional(),
  latencyAboveMs: z.coerce.number().min(0, "milliseconds, 0 or more").max(1e9).optional(),
  costAboveUsd: z
    .string()
    .max(40)
    .refine((v) => isDecimalString(v) && !v.startsWith("-"), "a decimal number of dollars, 0 or more")
    .optional(),
});
export type CallFilters = z.infer<typeof callFilterSchema>;

/** SQL conditions for the filters that are set; values go in as parameters. */
export function callFilterClauses(q: CallFilters): Prisma.Sql[] {
  const clauses: Prisma.Sql[] = [];
  if (q.user !== undefined) clauses.push(Prisma.sql`"user" = ${q.user}`);
  if (q.status !== undefined) clauses.push(Prisma.sql`status = ${q.status}`);
  if (q.latencyAboveMs !== undefined) clauses.push(Prisma.sql`latency_ms > ${q.latencyAboveMs}`);
  // unpriced calls (NULL cost) are never above a cost
  if (q.costAboveUsd !== undefined) clauses.push(Prisma.sql`cost_usd > ${q.costAboveUsd}::numeric`);
  return clauses;
}

import type { PrismaClient } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import type { TimeRange } from "./query.ts";
import { ERROR_ROLLUPS, planLegs, planSource, rawRangeLeg, type Leg, type SourceChoice } from "./report-source.ts";

export interface TopError {
  provider: string;
  app: string;
  /** null for calls without a model */
  model: string | null;
  outcome: string;
  errorType: string | null;
  errorMessage: string | null;
  count: number;
  lastSeen: string;
  lastCallId: string;
  /** the HTTP status of the latest call (the error rollups do not keep statuses) */
  status: number | null;
}

export const TOP_ERRORS_LIMIT = 20;

interface TopErrorRow {
  provider: string;
  app: string;
  model: string;
  outcome: string;
  error_type: string | null;
  error_message: string | null;
  n: string;
  last_seen: Date;
  /** last_seen as Postgres prints it, full precision, to find the call at that instant */
  last_seen_text: string;
}

interface LastCallRow {
  id: string;
  status: number;
  at: string;
  provider: string;
  app: string;
  model: string;
  outcome: string;
  error_type: string | null;
  error_message: string | null;
}

type Filters = Parameters<typeof rawRangeLeg>[1];

const errorOf = (r: Omit<LastCallRow, "id" | "status" | "at">, at: string) =>
  JSON.stringify([r.provider, r.app, r.model, r.outcome, r.error_type, r.error_message, at]);

/** One failed-calls leg grouped by error: count and latest start over calls, stored sums over the error rollups. */
function errorCounts(leg: Leg): Prisma.Sql {
  const counts =
    leg.kind === "raw"
      ? Prisma.raw("count(*) AS n, max(started_at) AS last_seen")
      : Prisma.raw("sum(calls) AS n, max(last_seen) AS last_seen");
  // `outcome <> 'ok'` verbatim lets the planner use the partial index calls_failed_started_at_idx.
  const failed = leg.kind === "raw" ? Prisma.raw(" AND outcome <> 'ok'") : Prisma.empty;
  return Prisma.sql`SELECT provider, app, ${leg.model} AS model, outcome, error_type, error_message, ${counts}
    FROM ${leg.table} WHERE ${leg.where}${failed} GROUP BY 1, 2, 3, 4, 5, 6`;
}

/**
 * The most frequent failures of the range (provider, app, model, outcome, error type and message) with their
 * latest call and its status.
 * Counts and last_seen come from the error rollups for whole hours and days and from failed calls for the
 * partial hours at the edges; each leg is grouped on its own, and the outer statement adds them up and keeps
 * the first TOP_ERRORS_LIMIT. The latest call of each listed error is then read with one plain statement
 * (the failed calls of the range and filters at the listed instants) and picked here: the greatest id on a
 * tie. Ties in count and last_seen are broken by the error itself, so the list is the same whichever source
 * served which hours.
 */
export async function topErrors(db: PrismaClient, q: Filters, range: TimeRange, source?: SourceChoice): Promise<TopError[]> {
  // The list spans the whole range, whatever the report's buckets: whole days may come from daily rows. The
  // group is irrelevant here (and not "user", which would force raw calls: users are not a filter).
  const plan = planSource(range, "provider", source, "day");
  const legs = planLegs(plan, range, q, ERROR_ROLLUPS);
  const order = Prisma.raw("n DESC, last_seen DESC, provider, app, model, outcome, error_type NULLS FIRST, error_message NULLS FIRST");
  const top = await db.$queryRaw<TopErrorRow[]>`SELECT provider, app, model, outcome, error_type, error_message, sum(n)::text AS n,
      max(last_seen) AS last_seen, max(last_seen)::text AS last_seen_text
    FROM (${Prisma.join(legs.map(errorCounts), " UNION ALL ")}) AS e
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY ${order} LIMIT ${Prisma.raw(String(TOP_ERRORS_LIMIT))}`;
  if (top.length === 0) return [];
  const at = [...new Set(top.map((t) => t.last_seen_text))];
  const leg = rawRangeLeg(range, q, [Prisma.sql`started_at = ANY(${at}::timestamptz[])`, Prisma.raw("outcome <> 'ok'")]);
  const calls = await db.$queryRaw<
    LastCallRow[]
  >`SELECT id::text, status, started_at::text AS at, provider, app, ${leg.model} AS model, outcome,
      error_type, error_message FROM calls WHERE ${leg.where}`;
  const last = new Map<string, LastCallRow>();
  for (const c of calls) {
    const key = errorOf(c, c.at);
    const seen = last.get(key);
    if (!seen || c.id > seen.id) last.set(key, c);
  }
  return top.map((r) => {
    const call = last.get(errorOf(r, r.last_seen_text));
    return {
      provider: r.provider,
      app: r.app,
      model: r.model === "" ? null : r.model,
      status: call?.status ?? null,
      outcome: r.outcome,
      errorType: r.error_type,
      errorMessage: r.error_message,
      count: Number(r.n),
      lastSeen: r.last_seen.toISOString(),
      lastCallId: (call?.id ?? null) as string,
    };
  });
}

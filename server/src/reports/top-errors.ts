import type pg from "pg";
import type { TimeRange } from "./query.ts";
import { errorsSource, planSource, rawCallsWhere, type SourceChoice } from "./report-source.ts";

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
  last_call_id: string;
  last_status: number | null;
}

type Filters = Parameters<typeof rawCallsWhere>[1];

/**
 * The most frequent failures of the range (provider, app, model, outcome, error type and message) with their
 * latest call and its status.
 * Counts and last_seen come from the error rollups for whole hours and days and from failed calls for the
 * partial hours at the edges (errorsSource); the latest call's id is then one index lookup per listed error
 * (the call of the range and filters at last_seen, the greatest id on a tie). Ties in count and last_seen are
 * broken by the error itself, so the list is the same whichever source served which hours.
 */
export async function topErrors(pool: pg.Pool, q: Filters, range: TimeRange, source?: SourceChoice): Promise<TopError[]> {
  // The list spans the whole range, whatever the report's buckets: whole days may come from daily rows. The
  // group is irrelevant here (and not "user", which would force raw calls: users are not a filter).
  const plan = planSource(range, "provider", source, "day");
  const params: unknown[] = [];
  const rows = errorsSource(plan, range, q, params);
  const callWhere = rawCallsWhere(range, q, params);
  const order = "n DESC, last_seen DESC, provider, app, model, outcome, error_type NULLS FIRST, error_message NULLS FIRST";
  const { rows: top } = await pool.query<TopErrorRow>(
    `WITH top AS (
       SELECT provider, app, model, outcome, error_type, error_message, sum(n)::bigint AS n, max(last_seen) AS last_seen
         FROM (${rows}) AS e
        GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY ${order} LIMIT ${TOP_ERRORS_LIMIT})
     SELECT top.*, last.id AS last_call_id, last.status AS last_status
       FROM top LEFT JOIN LATERAL (
             SELECT c.id, c.status FROM calls AS c
              WHERE c.started_at = top.last_seen AND c.provider = top.provider AND c.outcome = top.outcome
                AND c.app = top.app AND coalesce(c.model, '') = top.model
                AND c.error_type IS NOT DISTINCT FROM top.error_type
                AND c.error_message IS NOT DISTINCT FROM top.error_message
                AND ${callWhere}
              ORDER BY c.id DESC LIMIT 1) AS last ON true
      ORDER BY ${order}`,
    params,
  );
  return top.map((r) => ({
    provider: r.provider,
    app: r.app,
    model: r.model === "" ? null : r.model,
    status: r.last_status,
    outcome: r.outcome,
    errorType: r.error_type,
    errorMessage: r.error_message,
    count: Number(r.n),
    lastSeen: r.last_seen.toISOString(),
    lastCallId: r.last_call_id,
  }));
}

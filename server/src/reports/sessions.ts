import { Prisma } from "../generated/prisma/client.ts";
import type { PrismaClient } from "../db/client.ts";
import { trimDecimal } from "./call-rows.ts";

/** One session: the calls sharing an x-tollgate-session value (or, without one, a W3C trace id). */
export interface SessionSummary {
  id: string;
  calls: number;
  errors: number;
  costUsd: string;
  inputTokens: string;
  outputTokens: string;
  /** first call's start to the end of the last one to finish */
  durationMs: number;
  firstCallAt: string;
  lastCallAt: string;
  apps: string[];
}

/** One call of a session, with what a waterfall draws: when it started (relative to the first), how long, TTFT, cost. */
export interface SessionCall {
  id: string;
  startedAt: string;
  offsetMs: number;
  latencyMs: number;
  ttftMs: number | null;
  costUsd: string | null;
  provider: string;
  endpoint: string;
  model: string | null;
  app: string;
  outcome: string;
  status: number;
  stream: boolean;
  inputTokens: number;
  outputTokens: number;
  traceId: string | null;
  parentSpanId: string | null;
}

interface SummaryRow {
  id: string;
  calls: number;
  errors: number;
  costUsd: string;
  inputTokens: string;
  outputTokens: string;
  durationMs: number;
  firstCallAt: Date;
  lastCallAt: Date;
  apps: string[];
}

const SUMMARY_COLUMNS = Prisma.sql`session_id AS "id", count(*)::int AS "calls",
  (count(*) FILTER (WHERE outcome <> 'ok'))::int AS "errors",
  coalesce(sum(cost_usd), 0)::text AS "costUsd",
  sum(input_tokens)::text AS "inputTokens", sum(output_tokens)::text AS "outputTokens",
  (extract(epoch FROM max(started_at + latency_ms * interval '1 millisecond') - min(started_at)) * 1000)::float8 AS "durationMs",
  min(started_at) AS "firstCallAt", max(started_at) AS "lastCallAt",
  array_agg(DISTINCT app ORDER BY app) AS "apps"`;

function summaryJson(r: SummaryRow): SessionSummary {
  return {
    ...r,
    costUsd: trimDecimal(r.costUsd) ?? "0",
    durationMs: Math.round(r.durationMs * 1000) / 1000,
    firstCallAt: r.firstCallAt.toISOString(),
    lastCallAt: r.lastCallAt.toISOString(),
  };
}

export interface SessionListQuery {
  from: Date;
  to: Date;
  app?: string;
  /** the last row of the previous page (keyset paging, newest last call first) */
  after?: { lastCallAt: Date; id: string };
  limit: number;
}

/**
 * Sessions with a call in the range, the most recently active first; their figures count the calls in the
 * range. Grouped from the partial (session_id, started_at) index: calls without a session are never read.
 */
export async function listSessions(prisma: PrismaClient, q: SessionListQuery): Promise<{ sessions: SessionSummary[]; more: boolean }> {
  const app = q.app === undefined ? Prisma.empty : Prisma.sql`AND app = ${q.app}`;
  const after = q.after
    ? Prisma.sql`HAVING (max(started_at), session_id) < (${q.after.lastCallAt}::timestamptz, ${q.after.id})`
    : Prisma.empty;
  const rows = await prisma.$queryRaw<SummaryRow[]>`
    SELECT ${SUMMARY_COLUMNS} FROM calls
     WHERE session_id IS NOT NULL AND started_at >= ${q.from} AND started_at < ${q.to} ${app}
     GROUP BY session_id ${after}
     ORDER BY max(started_at) DESC, session_id DESC
     LIMIT ${q.limit + 1}`;
  return { sessions: rows.slice(0, q.limit).map(summaryJson), more: rows.length > q.limit };
}

/** How many calls of one session are listed at most (an agent run longer than this shows its first ones). */
export const MAX_SESSION_CALLS = 2000;

interface CallRowRaw extends Omit<SessionCall, "startedAt" | "offsetMs" | "costUsd"> {
  startedAt: Date;
  costUsd: string | null;
}

/** A session's summary and its calls in the order they started; undefined when it has none. */
export async function getSession(prisma: PrismaClient, id: string): Promise<{ session: SessionSummary; calls: SessionCall[] } | undefined> {
  const summary = await prisma.$queryRaw<SummaryRow[]>`SELECT ${SUMMARY_COLUMNS} FROM calls WHERE session_id = ${id} GROUP BY session_id`;
  const head = summary[0];
  if (!head) return undefined;
  const rows = await prisma.$queryRaw<CallRowRaw[]>`
    SELECT id::text AS "id", started_at AS "startedAt", latency_ms AS "latencyMs", ttft_ms AS "ttftMs",
           cost_usd::text AS "costUsd", provider, endpoint, model, app, outcome, status, stream,
           input_tokens::float8 AS "inputTokens", output_tokens::float8 AS "outputTokens",
           trace_id AS "traceId", parent_span_id AS "parentSpanId"
      FROM calls WHERE session_id = ${id}
     ORDER BY started_at, id LIMIT ${MAX_SESSION_CALLS}`;
  const t0 = head.firstCallAt.getTime();
  const calls = rows.map((r) => ({
    ...r,
    startedAt: r.startedAt.toISOString(),
    offsetMs: r.startedAt.getTime() - t0,
    costUsd: trimDecimal(r.costUsd),
  }));
  return { session: summaryJson(head), calls };
}

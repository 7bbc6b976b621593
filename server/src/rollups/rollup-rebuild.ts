import type pg from "pg";
import type { Outcome } from "../domain/call-record.ts";
import type { UsageSource } from "../domain/usage.ts";
import {
  accumulateDeltas,
  deltaParams,
  rollupDeltas,
  sortedDeltas,
  UPSERT_HOURLY,
  type RollupDelta,
  type RollupSource,
} from "./rollup-deltas.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const PAGE = 5_000;

interface CallRow {
  id: string;
  started_at: Date;
  provider: string;
  app: string;
  model: string | null;
  outcome: Outcome;
  priced: boolean;
  usage_source: UsageSource;
  // bigint columns: node-postgres returns them as strings
  input_tokens: string;
  cached_input_tokens: string;
  cache_write_tokens: string;
  cache_write_1h_tokens: string;
  output_tokens: string;
  reasoning_tokens: string;
  cost_usd: string | null;
  fees_usd: string | null;
  latency_ms: number;
  ttft_ms: number | null;
}

const SELECT = `SELECT id, started_at, provider, app, model, outcome, priced, usage_source, input_tokens, cached_input_tokens,
         cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd::text AS cost_usd,
         fees_usd::text AS fees_usd, latency_ms, ttft_ms
    FROM calls WHERE started_at >= $1 AND started_at < $2`;

function source(r: CallRow): RollupSource {
  return {
    startedAt: r.started_at,
    provider: r.provider,
    app: r.app,
    model: r.model,
    outcome: r.outcome,
    priced: r.priced,
    usageSource: r.usage_source,
    inputTokens: Number(r.input_tokens),
    cachedInputTokens: Number(r.cached_input_tokens),
    cacheWriteTokens: Number(r.cache_write_tokens),
    cacheWrite1hTokens: Number(r.cache_write_1h_tokens),
    outputTokens: Number(r.output_tokens),
    reasoningTokens: Number(r.reasoning_tokens),
    costUsd: r.cost_usd,
    feesUsd: r.fees_usd,
    latencyMs: r.latency_ms,
    ttftMs: r.ttft_ms,
  };
}

/**
 * Rebuilds the rollups (call_rollups_*, call_latency_*, call_errors_*) of every hour touching [from, to]
 * from the calls table, and the daily rows of every day touching it from the hours — after calls were
 * changed in place (a recompute re-priced them). The table locks make concurrent batch inserts wait until
 * the rebuilt rows are committed, so a call recorded meanwhile is counted exactly once.
 *
 * The hours' calls are read in keyset pages and folded in Node by the batch writer's own code
 * (rollup-deltas.ts), then written with the batch writer's upsert: no statement here aggregates the calls
 * table inside a CTE feeding an insert, which a distributed `calls` (Citus) would have to pull through its
 * coordinator — see docs/scaling.md, "Write statements".
 */
export async function refreshRollups(pool: pg.Pool, from: Date, to: Date): Promise<{ hours: number; rows: number }> {
  const start = new Date(Math.floor(from.getTime() / HOUR_MS) * HOUR_MS);
  const end = new Date(Math.floor(to.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS);
  const dayStart = new Date(Math.floor(start.getTime() / DAY_MS) * DAY_MS);
  const dayEnd = new Date(Math.ceil(end.getTime() / DAY_MS) * DAY_MS);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      "LOCK TABLE call_rollups_hourly, call_rollups_daily, call_latency_hourly, call_latency_daily, call_errors_hourly, call_errors_daily IN SHARE ROW EXCLUSIVE MODE",
    );
    await client.query("DELETE FROM call_rollups_hourly WHERE hour >= $1 AND hour < $2", [start, end]);
    const hours = new Map<string, RollupDelta>();
    let after: { startedAt: Date; id: string } | null = null;
    for (;;) {
      const params: unknown[] = [start, end];
      let sql = SELECT;
      if (after) sql += ` AND (started_at, id) > ($${params.push(after.startedAt)}, $${params.push(after.id)}::uuid)`;
      sql += ` ORDER BY started_at, id LIMIT $${params.push(PAGE)}`;
      const { rows } = await client.query<CallRow>(sql, params);
      accumulateDeltas(hours, rollupDeltas(rows.map(source)).hourly);
      const last = rows[rows.length - 1];
      if (!last || rows.length < PAGE) break;
      after = { startedAt: last.started_at, id: last.id };
    }
    const hourly = sortedDeltas(hours);
    if (hourly.length > 0) await client.query(UPSERT_HOURLY, deltaParams(hourly));
    await client.query("SELECT tollgate_rollup_days_from_hours($1, $2)", [dayStart, dayEnd]);
    // The report rollups (outcome-less latency, errors) of the same hours and days, from the rebuilt rows.
    await client.query("SELECT tollgate_report_rollup_hours($1, $2)", [start, end]);
    await client.query("SELECT tollgate_report_rollup_days($1, $2)", [dayStart, dayEnd]);
    await client.query("COMMIT");
    return { hours: (end.getTime() - start.getTime()) / HOUR_MS, rows: hourly.length };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

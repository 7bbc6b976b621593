import type pg from "pg";
import type { Fee } from "../domain/fee.ts";
import type { Outcome } from "../domain/call-record.ts";
import type { UsageSource } from "../domain/usage.ts";
import { accumulateDeltas, deltaParams, rollupDeltas, sortedDeltas, UPSERT_HOURLY, type RollupDelta } from "./rollup-deltas.ts";
import { DailyRollupAccumulator, type DailyRollupSource } from "./daily-rollup-deltas.ts";
import { upsertDailyRollups } from "./daily-rollup-upserts.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const PAGE = 5_000;

interface CallRow {
  id: string;
  started_at: Date;
  provider: string;
  endpoint: string;
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
  user: string | null;
  properties: Record<string, string> | null;
  response_model: string | null;
  key_id: string | null;
  service_tier: string | null;
  fees: Fee[] | null;
  audio_input_tokens: string;
  audio_output_tokens: string;
}

const SELECT = `SELECT id, started_at, provider, endpoint, app, model, outcome, priced, usage_source, input_tokens, cached_input_tokens,
         cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd::text AS cost_usd,
         fees_usd::text AS fees_usd, latency_ms, ttft_ms, "user", properties, response_model, key_id, service_tier, fees,
         audio_input_tokens, audio_output_tokens
    FROM calls WHERE started_at >= $1 AND started_at < $2`;

function source(r: CallRow): DailyRollupSource {
  return {
    startedAt: r.started_at,
    provider: r.provider,
    endpoint: r.endpoint,
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
    user: r.user,
    properties: r.properties,
    responseModel: r.response_model,
    keyId: r.key_id,
    serviceTier: r.service_tier,
    fees: r.fees,
    audioInputTokens: Number(r.audio_input_tokens),
    audioOutputTokens: Number(r.audio_output_tokens),
  };
}

/**
 * Rebuilds every rollup of the UTC days touching [from, to] from the calls table: the hourly rows
 * (call_rollups_*, call_latency_*, call_errors_*) of every hour of those days and their daily rows, and the
 * daily rollups per user, per property and for the reconciliation — after calls were changed in place (a
 * recompute re-priced them), or to fill rollups added after the calls were recorded (`rollups rebuild`).
 * Whole days, because the per-user, per-property and reconciliation rollups have no hourly rows to rebuild
 * a day from. The table locks make concurrent batch inserts wait until the rebuilt rows are committed, so a
 * call recorded meanwhile is counted exactly once.
 *
 * The days' calls are read in keyset pages and folded in Node by the batch writer's own code
 * (rollup-deltas.ts, daily-rollup-deltas.ts), then written with the batch writer's upserts: no statement
 * here aggregates the calls table inside a CTE feeding an insert, which a distributed `calls` (Citus) would
 * have to pull through its coordinator — see docs/scaling.md, "Write statements".
 */
export async function refreshRollups(pool: pg.Pool, from: Date, to: Date): Promise<{ hours: number; rows: number }> {
  const dayStart = new Date(Math.floor(from.getTime() / DAY_MS) * DAY_MS);
  const dayEnd = new Date(Math.floor(to.getTime() / DAY_MS) * DAY_MS + DAY_MS);
  const start = dayStart;
  const end = dayEnd;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `LOCK TABLE call_rollups_hourly, call_rollups_daily, call_latency_hourly, call_latency_daily, call_errors_hourly, call_errors_daily,
         call_user_rollups_daily, call_property_rollups_daily, call_reconcile_daily IN SHARE ROW EXCLUSIVE MODE`,
    );
    await client.query("DELETE FROM call_rollups_hourly WHERE hour >= $1 AND hour < $2", [start, end]);
    for (const table of ["call_user_rollups_daily", "call_property_rollups_daily", "call_reconcile_daily"])
      await client.query(`DELETE FROM ${table} WHERE day >= $1 AND day < $2`, [dayStart, dayEnd]);
    const hours = new Map<string, RollupDelta>();
    const days = new DailyRollupAccumulator();
    let after: { startedAt: Date; id: string } | null = null;
    for (;;) {
      const params: unknown[] = [start, end];
      let sql = SELECT;
      if (after) sql += ` AND (started_at, id) > ($${params.push(after.startedAt)}, $${params.push(after.id)}::uuid)`;
      sql += ` ORDER BY started_at, id LIMIT $${params.push(PAGE)}`;
      const { rows } = await client.query<CallRow>(sql, params);
      const sources = rows.map(source);
      accumulateDeltas(hours, rollupDeltas(sources).hourly);
      days.add(sources);
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
    await upsertDailyRollups((sql, p) => client.query(sql, p), days);
    await client.query("COMMIT");
    return { hours: (end.getTime() - start.getTime()) / HOUR_MS, rows: hourly.length };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * refreshRollups day by day over the UTC days [from, to] (default: the first call's day to today), each day
 * in its own transaction, so a rebuild of months holds the rollup locks for one day's calls at a time.
 */
export async function rebuildRollupDays(pool: pg.Pool, range: { from?: Date; to?: Date }): Promise<{ days: number; rows: number }> {
  let from = range.from;
  if (!from) {
    const { rows } = await pool.query<{ first: Date | null }>("SELECT min(started_at) AS first FROM calls");
    if (!rows[0]?.first) return { days: 0, rows: 0 };
    from = rows[0].first;
  }
  const to = range.to ?? new Date();
  let days = 0;
  let rows = 0;
  for (let day = Math.floor(from.getTime() / DAY_MS) * DAY_MS; day <= to.getTime(); day += DAY_MS) {
    rows += (await refreshRollups(pool, new Date(day), new Date(day))).rows;
    days += 1;
  }
  return { days, rows };
}

import type pg from "pg";
import { add, formatDecimal, normalize, parseDecimal, ZERO, type Decimal } from "../lib/decimal.ts";
import { priceCall } from "./cost.ts";
import type { PriceBook } from "./price-book.ts";
import type { Fee } from "../domain/fee.ts";
import { MAX_CALL_TOKENS } from "../domain/usage-bounds.ts";
import { closedMonthsIn } from "../books/periods.ts";
import { TollgateError } from "../lib/errors.ts";

export interface RecomputeOptions {
  from: Date;
  to: Date;
  provider?: string;
  model?: string;
  /** compute the report without writing */
  dryRun?: boolean;
  batchSize?: number;
  /**
   * Called after each written batch with the span of startedAt of its changed calls, so derived data
   * (call_rollups_hourly: pass refreshRollups) is refreshed as the calls change, not only at the end.
   */
  onChangedRange?(from: Date, to: Date): Promise<void> | void;
  /**
   * Maps a call's provider (and endpoint) to the provider its prices are looked up under (config's
   * `priceProvider`; Anthropic's for Claude on a Vertex route); the proxy prices with the same mapping, so
   * recompute must too.
   */
  priceProviderFor?(provider: string, endpoint: string): string;
}

export interface RecomputeReport {
  examined: number;
  changed: number;
  previousTotalUsd: string;
  newTotalUsd: string;
  /** calls that had no price and have one now */
  newlyPriced: number;
  /** calls that had a price and have none now (a price row removed or re-dated) */
  newlyUnpriced: number;
}

interface CallUsageRow {
  id: string;
  started_at: Date;
  provider: string;
  endpoint: string;
  model: string | null;
  response_model: string | null;
  service_tier: string | null;
  // bigint columns: node-postgres returns them as strings
  input_tokens: string;
  cached_input_tokens: string;
  cache_write_tokens: string;
  cache_write_1h_tokens: string;
  output_tokens: string;
  reasoning_tokens: string;
  audio_input_tokens: number;
  audio_output_tokens: number;
  cost_usd: string | null;
  fees: Fee[] | null;
  fees_usd: string | null;
  price_id: string | null;
  priced: boolean;
}

const UPDATE_SQL = `UPDATE calls AS c SET cost_usd = u.cost_usd, price_id = u.price_id, priced = u.priced,
    fees = u.fees, fees_usd = u.fees_usd
  FROM unnest($1::uuid[], $2::timestamptz[], $3::numeric[], $4::text[], $5::boolean[], $6::jsonb[], $7::numeric[])
    AS u(id, started_at, cost_usd, price_id, priced, fees, fees_usd)
  WHERE c.id = u.id AND c.started_at = u.started_at`;

/**
 * Re-prices the calls in [from, to) with the current price table, each at the price effective at its own
 * startedAt, and writes cost_usd / price_id / priced where they changed, batch by batch (keyset-paginated,
 * so a large range never sits in memory).
 */
export async function recomputeCosts(pool: pg.Pool, book: PriceBook, options: RecomputeOptions): Promise<RecomputeReport> {
  // A closed month's costs are frozen: refuse (a dry run may still show what would change).
  const closed = options.dryRun ? [] : await closedMonthsIn(pool, options.from, options.to);
  if (closed.length > 0) {
    throw new TollgateError(
      "conflict",
      `closed months in the range: ${closed.join(", ")}; reopen them with a reason first (periods reopen <YYYY-MM> --reason ...)`,
    );
  }
  const batchSize = options.batchSize ?? 5_000;
  const priceProvider = options.priceProviderFor ?? ((p: string) => p);
  // The proxy prices only calls with usage (reported or estimated); the rest stay unpriced, as there.
  // A cost the provider reported as its own charge (OpenRouter's usage.cost: priced, no price row) is the
  // bill itself, not a table price, so a price correction leaves it alone.
  // A call recorded at the token bound (recording/usage-bounds.ts) was left unpriced by the proxy: so here.
  const filters: string[] = [
    "started_at >= $1",
    "started_at < $2",
    "usage_source <> 'none'",
    "NOT (priced AND price_id IS NULL)",
    `greatest(input_tokens, cached_input_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens) < ${MAX_CALL_TOKENS}`,
  ];
  const baseParams: unknown[] = [options.from, options.to];
  if (options.provider) filters.push(`provider = $${baseParams.push(options.provider)}`);
  if (options.model) filters.push(`(model = $${baseParams.push(options.model)} OR response_model = $${baseParams.length})`);
  const select = `SELECT id, started_at, provider, endpoint, model, response_model, service_tier, input_tokens,
      cached_input_tokens, cache_write_tokens, cache_write_1h_tokens,
      output_tokens, reasoning_tokens, audio_input_tokens::float8 AS audio_input_tokens,
      audio_output_tokens::float8 AS audio_output_tokens, cost_usd::text AS cost_usd, fees, fees_usd::text AS fees_usd, price_id, priced
    FROM calls WHERE ${filters.join(" AND ")}`;

  const report = { examined: 0, changed: 0, newlyPriced: 0, newlyUnpriced: 0 };
  let previousTotal: Decimal = ZERO;
  let newTotal: Decimal = ZERO;
  let after: { startedAt: Date; id: string } | null = null;

  for (;;) {
    const params = [...baseParams];
    let sql = select;
    if (after) sql += ` AND (started_at, id) > ($${params.push(after.startedAt)}, $${params.push(after.id)}::uuid)`;
    sql += ` ORDER BY started_at, id LIMIT $${params.push(batchSize)}`;
    const { rows } = await pool.query<CallUsageRow>(sql, params);
    if (rows.length === 0) break;
    const updates: Array<{
      row: CallUsageRow;
      cost: string | null;
      priceId: string | null;
      priced: boolean;
      fees: Fee[] | null;
      feesUsd: string | null;
    }> = [];
    for (const row of rows) {
      report.examined += 1;
      const priced = priceCall(book, {
        provider: priceProvider(row.provider, row.endpoint),
        model: row.model,
        responseModel: row.response_model,
        startedAt: row.started_at,
        serviceTier: row.service_tier,
        usage: {
          inputTokens: Number(row.input_tokens),
          cachedInputTokens: Number(row.cached_input_tokens),
          cacheWriteTokens: Number(row.cache_write_tokens),
          cacheWrite1hTokens: Number(row.cache_write_1h_tokens),
          outputTokens: Number(row.output_tokens),
          reasoningTokens: Number(row.reasoning_tokens),
          audioInputTokens: row.audio_input_tokens,
          audioOutputTokens: row.audio_output_tokens,
        },
        // the fees' counts as recorded, priced again like the tokens
        fees: row.fees?.map((f) => ({ kind: f.kind, count: f.count })) ?? null,
      });
      const feesUsd = priced.feesUsd ?? null;
      const oldFeesUsd = row.fees_usd == null ? null : formatDecimal(normalize(parseDecimal(row.fees_usd)));
      const oldCost = row.cost_usd == null ? null : parseDecimal(row.cost_usd);
      if (oldCost) previousTotal = add(previousTotal, oldCost);
      if (priced.costUsd != null) newTotal = add(newTotal, parseDecimal(priced.costUsd));
      const sameCost =
        oldCost == null ? priced.costUsd == null : priced.costUsd != null && formatDecimal(normalize(oldCost)) === priced.costUsd;
      if (sameCost && oldFeesUsd === feesUsd && row.price_id === priced.priceId && row.priced === priced.priced) continue;
      report.changed += 1;
      if (!row.priced && priced.priced) report.newlyPriced += 1;
      if (row.priced && !priced.priced) report.newlyUnpriced += 1;
      updates.push({ row, cost: priced.costUsd, priceId: priced.priceId, priced: priced.priced, fees: priced.fees ?? row.fees, feesUsd });
    }
    if (updates.length > 0 && !options.dryRun) {
      await pool.query(UPDATE_SQL, [
        updates.map((u) => u.row.id),
        updates.map((u) => u.row.started_at),
        updates.map((u) => u.cost),
        updates.map((u) => u.priceId),
        updates.map((u) => u.priced),
        updates.map((u) => (u.fees ? JSON.stringify(u.fees) : null)),
        updates.map((u) => u.feesUsd),
      ]);
      // rows come ordered by started_at, so the batch's changes span its first to its last changed call
      await options.onChangedRange?.(updates[0]!.row.started_at, updates[updates.length - 1]!.row.started_at);
    }
    const last = rows[rows.length - 1]!;
    after = { startedAt: last.started_at, id: last.id };
    if (rows.length < batchSize) break;
  }

  return {
    ...report,
    previousTotalUsd: formatDecimal(normalize(previousTotal)),
    newTotalUsd: formatDecimal(normalize(newTotal)),
  };
}

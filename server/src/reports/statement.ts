import type pg from "pg";
import { canonicalDecimal } from "../lib/decimal.ts";
import { priceRowFromDb, priceRowToJson, SELECT_PRICES_SQL } from "../pricing/price-row.ts";
import { monthRange } from "../books/periods.ts";

/** Whose statement: an app, a property value (a team), or both; neither is the whole month. */
export interface StatementScope {
  app?: string;
  property?: { name: string; value: string };
}

export interface StatementLine {
  provider: string;
  model: string;
  calls: number;
  unpricedCalls: number;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: string;
  /** the price rows the lines' calls were priced with */
  priceIds: string[];
}

export type StatementTotals = Omit<StatementLine, "provider" | "model" | "priceIds">;

export interface Statement {
  month: string;
  from: string;
  to: string;
  scope: StatementScope;
  lines: StatementLine[];
  totals: StatementTotals;
  prices: Array<ReturnType<typeof priceRowToJson>>;
}

interface LineRow {
  provider: string | null;
  model: string | null;
  calls: string;
  unpriced_calls: string;
  input_tokens: string;
  cached_input_tokens: string;
  cache_write_tokens: string;
  cache_write_1h_tokens: string;
  output_tokens: string;
  reasoning_tokens: string;
  cost_usd: string;
  price_ids: string[] | null;
}

const figures = (r: LineRow): StatementTotals => ({
  calls: Number(r.calls),
  unpricedCalls: Number(r.unpriced_calls),
  inputTokens: Number(r.input_tokens),
  cachedInputTokens: Number(r.cached_input_tokens),
  cacheWriteTokens: Number(r.cache_write_tokens),
  cacheWrite1hTokens: Number(r.cache_write_1h_tokens),
  outputTokens: Number(r.output_tokens),
  reasoningTokens: Number(r.reasoning_tokens),
  costUsd: canonicalDecimal(r.cost_usd),
});

/**
 * A month's statement for an app or team: per provider and model, the calls, tokens of each kind, cost,
 * unpriced calls and the price rows used, with totals — one scan of the month's calls of the scope (the
 * (app, started_at) index serves an app; a property reads the month's calls: docs/api.md).
 */
export async function monthStatement(pool: pg.Pool, month: string, scope: StatementScope): Promise<Statement> {
  const { from, to } = monthRange(month);
  const params: unknown[] = [from, to];
  const where = ["started_at >= $1", "started_at < $2"];
  if (scope.app !== undefined) where.push(`app = $${params.push(scope.app)}`);
  if (scope.property) where.push(`properties @> $${params.push(JSON.stringify({ [scope.property.name]: scope.property.value }))}::jsonb`);
  const { rows } = await pool.query<LineRow & { level: number }>(
    `SELECT grouping(provider, model) AS level, provider, model, count(*)::text AS calls,
            count(*) FILTER (WHERE NOT priced AND usage_source <> 'none')::text AS unpriced_calls,
            coalesce(sum(input_tokens), 0)::text AS input_tokens, coalesce(sum(cached_input_tokens), 0)::text AS cached_input_tokens,
            coalesce(sum(cache_write_tokens), 0)::text AS cache_write_tokens, coalesce(sum(cache_write_1h_tokens), 0)::text AS cache_write_1h_tokens,
            coalesce(sum(output_tokens), 0)::text AS output_tokens, coalesce(sum(reasoning_tokens), 0)::text AS reasoning_tokens,
            coalesce(sum(cost_usd), 0)::text AS cost_usd,
            array_agg(DISTINCT price_id ORDER BY price_id) FILTER (WHERE price_id IS NOT NULL) AS price_ids
       FROM (SELECT provider, coalesce(model, '(none)') AS model, priced, usage_source, input_tokens, cached_input_tokens,
                    cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd, price_id
               FROM calls WHERE ${where.join(" AND ")}) AS c
      GROUP BY GROUPING SETS ((provider, model), ())
      ORDER BY level, coalesce(sum(cost_usd), 0) DESC, provider, model`,
    params,
  );
  const lines = rows.filter((r) => r.level === 0).map((r) => ({ provider: r.provider as string, model: r.model as string, ...figures(r), priceIds: r.price_ids ?? [] }));
  const total = rows.find((r) => r.level === 3);
  const ids = [...new Set(lines.flatMap((l) => l.priceIds))].sort();
  const prices = ids.length === 0 ? { rows: [] } : await pool.query(`${SELECT_PRICES_SQL} WHERE id = ANY($1::text[]) ORDER BY provider, model, effective_from`, [ids]);
  return {
    month,
    from: from.toISOString(),
    to: to.toISOString(),
    scope,
    lines,
    totals: total ? figures(total) : figures({ calls: "0", unpriced_calls: "0", input_tokens: "0", cached_input_tokens: "0", cache_write_tokens: "0", cache_write_1h_tokens: "0", output_tokens: "0", reasoning_tokens: "0", cost_usd: "0" } as LineRow),
    prices: prices.rows.map(priceRowFromDb).map(priceRowToJson),
  };
}

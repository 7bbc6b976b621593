import type { PrismaClient } from "../db/client.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { add, compare, formatDecimal, normalize, parseDecimal, ZERO, type Decimal } from "../lib/decimal.ts";
import { priceRowFromDb, priceRowToJson, SELECT_PRICES_SQL, type DbPriceRow } from "../pricing/price-row.ts";
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
  provider: string;
  model: string;
  calls: string;
  unpriced_calls: string;
  input_tokens: string;
  cached_input_tokens: string;
  cache_write_tokens: string;
  cache_write_1h_tokens: string;
  output_tokens: string;
  reasoning_tokens: string;
  cost_usd: string;
  price_id: string | null;
}

const COUNTS = [
  "calls",
  "unpriced_calls",
  "input_tokens",
  "cached_input_tokens",
  "cache_write_tokens",
  "cache_write_1h_tokens",
  "output_tokens",
  "reasoning_tokens",
] as const;

/** A line's (or the totals') figures added up exactly: counts as bigints, cost as a decimal. */
interface Acc {
  counts: Record<(typeof COUNTS)[number], bigint>;
  cost: Decimal;
  priceIds: string[];
}

const emptyAcc = (): Acc => ({ counts: Object.fromEntries(COUNTS.map((k) => [k, 0n])) as Acc["counts"], cost: ZERO, priceIds: [] });

function addRow(a: Acc, r: LineRow): void {
  for (const k of COUNTS) a.counts[k] += BigInt(r[k]);
  a.cost = add(a.cost, parseDecimal(r.cost_usd));
}

const figures = (a: Acc): StatementTotals => ({
  calls: Number(a.counts.calls),
  unpricedCalls: Number(a.counts.unpriced_calls),
  inputTokens: Number(a.counts.input_tokens),
  cachedInputTokens: Number(a.counts.cached_input_tokens),
  cacheWriteTokens: Number(a.counts.cache_write_tokens),
  cacheWrite1hTokens: Number(a.counts.cache_write_1h_tokens),
  outputTokens: Number(a.counts.output_tokens),
  reasoningTokens: Number(a.counts.reasoning_tokens),
  costUsd: formatDecimal(normalize(a.cost)),
});

/**
 * A month's statement for an app or team: per provider and model, the calls, tokens of each kind, cost,
 * unpriced calls and the price rows used, with totals — one scan of the month's calls of the scope (the
 * (app, started_at) index serves an app; a property reads the month's calls: docs/api.md). The statement is
 * a plain `GROUP BY provider, model, price_id` with `count`/`sum` only (partial aggregates a distributed
 * Postgres merges); lines and totals are added up here, exactly.
 */
export async function monthStatement(db: PrismaClient, month: string, scope: StatementScope): Promise<Statement> {
  const { from, to } = monthRange(month);
  const where = [Prisma.sql`started_at >= ${from}`, Prisma.sql`started_at < ${to}`];
  if (scope.app !== undefined) where.push(Prisma.sql`app = ${scope.app}`);
  if (scope.property) where.push(Prisma.sql`properties @> ${JSON.stringify({ [scope.property.name]: scope.property.value })}::jsonb`);
  const rows = await db.$queryRaw<LineRow[]>`SELECT provider, model, price_id, count(*)::text AS calls,
            count(*) FILTER (WHERE NOT priced AND usage_source <> 'none')::text AS unpriced_calls,
            coalesce(sum(input_tokens), 0)::text AS input_tokens, coalesce(sum(cached_input_tokens), 0)::text AS cached_input_tokens,
            coalesce(sum(cache_write_tokens), 0)::text AS cache_write_tokens, coalesce(sum(cache_write_1h_tokens), 0)::text AS cache_write_1h_tokens,
            coalesce(sum(output_tokens), 0)::text AS output_tokens, coalesce(sum(reasoning_tokens), 0)::text AS reasoning_tokens,
            coalesce(sum(cost_usd), 0)::text AS cost_usd
       FROM (SELECT provider, coalesce(model, '(none)') AS model, priced, usage_source, input_tokens, cached_input_tokens,
                    cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_usd, price_id
               FROM calls WHERE ${Prisma.join(where, " AND ")}) AS c
      GROUP BY provider, model, price_id
      ORDER BY provider, model, price_id`;
  const total = emptyAcc();
  const byLine = new Map<string, { provider: string; model: string; acc: Acc }>();
  for (const r of rows) {
    const key = JSON.stringify([r.provider, r.model]);
    let line = byLine.get(key);
    if (!line) byLine.set(key, (line = { provider: r.provider, model: r.model, acc: emptyAcc() }));
    addRow(line.acc, r);
    addRow(total, r);
    if (r.price_id !== null) line.acc.priceIds.push(r.price_id);
  }
  // Most expensive first; ties keep the statement's (provider, model) order (a stable sort).
  const lines = [...byLine.values()]
    .sort((a, b) => compare(b.acc.cost, a.acc.cost))
    .map((l) => ({ provider: l.provider, model: l.model, ...figures(l.acc), priceIds: l.acc.priceIds }));
  const ids = [...new Set(lines.flatMap((l) => l.priceIds))].sort();
  const prices =
    ids.length === 0
      ? []
      : await db.$queryRaw<
          DbPriceRow[]
        >`${Prisma.raw(SELECT_PRICES_SQL)} WHERE id = ANY(${ids}::text[]) ORDER BY provider, model, effective_from`;
  return {
    month,
    from: from.toISOString(),
    to: to.toISOString(),
    scope,
    lines,
    totals: figures(total),
    prices: prices.map(priceRowFromDb).map(priceRowToJson),
  };
}

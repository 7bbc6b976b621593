import { add, formatDecimal, normalize, parseDecimal, subtract, ZERO, type Decimal } from "../lib/decimal.ts";

/** The sums one statement leg returns per group (sumsSql in report-source.ts), every figure as text. */
export interface SumColumns {
  calls: string;
  unpriced_calls: string;
  input_tokens: string;
  cached_input_tokens: string;
  cache_write_tokens: string;
  output_tokens: string;
  reasoning_tokens: string;
  cost_usd: string;
  fees_usd: string;
}

const COUNTS = [
  "calls",
  "unpriced_calls",
  "input_tokens",
  "cached_input_tokens",
  "cache_write_tokens",
  "output_tokens",
  "reasoning_tokens",
] as const;

/** Sums added up exactly in Node: counts as bigints, money as decimals (lib/decimal.ts). */
export interface Sums {
  counts: Record<(typeof COUNTS)[number], bigint>;
  costUsd: Decimal;
  feesUsd: Decimal;
}

export function emptySums(): Sums {
  return {
    counts: {
      calls: 0n,
      unpriced_calls: 0n,
      input_tokens: 0n,
      cached_input_tokens: 0n,
      cache_write_tokens: 0n,
      output_tokens: 0n,
      reasoning_tokens: 0n,
    },
    costUsd: ZERO,
    feesUsd: ZERO,
  };
}

/** Adds a leg's row to the sums; with sign -1, takes it away (a part of a total that belongs to another group). */
export function addRow(s: Sums, r: SumColumns, sign: 1 | -1 = 1): void {
  const money = sign === 1 ? add : subtract;
  for (const k of COUNTS) s.counts[k] += BigInt(sign) * BigInt(r[k] ?? "0");
  s.costUsd = money(s.costUsd, parseDecimal(r.cost_usd ?? "0"));
  s.feesUsd = money(s.feesUsd, parseDecimal(r.fees_usd ?? "0"));
}

export function addSums(s: Sums, other: Sums): void {
  for (const k of COUNTS) s.counts[k] += other.counts[k];
  s.costUsd = add(s.costUsd, other.costUsd);
  s.feesUsd = add(s.feesUsd, other.feesUsd);
}

/** The sums as the text columns a leg returns (for figures()). */
export function sumColumns(s: Sums): SumColumns {
  const out = { cost_usd: formatDecimal(normalize(s.costUsd)), fees_usd: formatDecimal(normalize(s.feesUsd)) } as SumColumns;
  for (const k of COUNTS) out[k] = s.counts[k].toString();
  return out;
}

/** Map entries grouped by a key, created on first use. */
export function entry<V>(map: Map<string, V>, key: string, create: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = create()));
  return v;
}

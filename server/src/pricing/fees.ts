import { add, formatDecimal, multiplyByInteger, normalize, parseDecimal, ZERO, type Decimal } from "../lib/decimal.ts";
import type { FeeIndex } from "./fee-index.ts";
import type { Fee, FeeCount } from "../domain/fee.ts";

export interface PricedFees {
  fees: Fee[];
  /** the sum of the fees' known `usd`; null when none is known */
  feesUsd: string | null;
}

export interface FeeCall {
  provider: string;
  model: string | null;
  responseModel?: string | null;
  startedAt: Date;
}

/** Prices each counted fee at the fee price effective at the call's start (the reported model tried first). */
export function priceFees(index: FeeIndex, call: FeeCall, counts: readonly FeeCount[]): PricedFees {
  let total: Decimal | null = null;
  const fees = counts.map((c): Fee => {
    if (c.count === null) return { kind: c.kind, count: null, usd: null };
    const price = index.priceFor(call.provider, c.kind, [call.responseModel, call.model], call.startedAt);
    if (!price) return { kind: c.kind, count: c.count, usd: null };
    const usd = normalize(multiplyByInteger(parseDecimal(price.usdPerUnit), c.count));
    total = add(total ?? ZERO, usd);
    return { kind: c.kind, count: c.count, usd: formatDecimal(usd) };
  });
  return { fees, feesUsd: total === null ? null : formatDecimal(normalize(total)) };
}

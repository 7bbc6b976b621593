import type { CallRecord } from "../domain/call-record.ts";

/**
 * A failed call that used no tokens and ran no billed tool costs exactly $0, whether or not its model has a
 * price: it is recorded priced at 0 without a price row, not unpriced. A call with tokens and no matching
 * price stays unpriced. Callers apply this only where the tokens are known (reported, or a failure that is
 * never estimated): a call whose estimate failed has unknown tokens, not zero.
 */
export function priceFailedEmptyCall(record: CallRecord): void {
  if (record.outcome === "ok" || record.priced) return;
  const tokens =
    record.inputTokens +
    record.cachedInputTokens +
    record.cacheWriteTokens +
    record.cacheWrite1hTokens +
    record.outputTokens +
    record.reasoningTokens;
  if (tokens !== 0 || (record.fees ?? []).length > 0) return;
  record.costUsd = "0";
  record.priceId = null;
  record.priced = true;
}

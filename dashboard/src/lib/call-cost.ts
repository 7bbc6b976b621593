// What a call's cost label may truthfully say. A call that used no tokens (a failed call, mostly) costs
// exactly $0 whether or not a price matched: it is not "unpriced" and needs no price.
import type { Call } from "../api.ts";

type Tokens = Pick<Call, "inputTokens" | "cachedInputTokens" | "cacheWriteTokens" | "outputTokens" | "reasoningTokens" | "priced" | "fees">;

/** No tokens and no per-request or tool fees: nothing to pay. */
export function costsNothing(c: Tokens): boolean {
  return !c.priced && (c.fees ?? []).length === 0 && c.inputTokens === 0 && c.cachedInputTokens === 0 && c.cacheWriteTokens === 0 && c.outputTokens === 0 && c.reasoningTokens === 0;
}

/** Time to first token means nothing for an error reply (its first byte is the error). */
export function showsTtft(c: Pick<Call, "status" | "outcome">): boolean {
  return c.status > 0 && c.status < 400;
}

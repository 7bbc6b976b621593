/** Token usage normalized across providers (SPEC §4). */
export interface Usage {
  /** every input token billed, cached reads and cache writes included */
  inputTokens: number;
  /** the part of inputTokens read from the prompt cache */
  cachedInputTokens: number;
  /** the part of inputTokens written to the prompt cache (5-minute and 1-hour writes together) */
  cacheWriteTokens: number;
  /** the part of cacheWriteTokens written with a 1-hour TTL (Anthropic); priced at its own rate */
  cacheWrite1hTokens: number;
  /** every output token billed, reasoning included */
  outputTokens: number;
  /** the part of outputTokens spent on reasoning / thinking */
  reasoningTokens: number;
}

export type UsageSource = "reported" | "estimated" | "none";

export const ZERO_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  cacheWrite1hTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
});

export function usage(partial: Partial<Usage>): Usage {
  return { ...ZERO_USAGE, ...partial };
}

/** Token usage normalized across providers: every kind of token the call record keeps. */
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
  /** the part of inputTokens that was audio (OpenAI's prompt_tokens_details.audio_tokens), priced at the audio rate */
  audioInputTokens?: number;
  /** the part of outputTokens that was audio (completion_tokens_details.audio_tokens) */
  audioOutputTokens?: number;
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

/** The audio parts of a usage, only those present (most calls have none, and their usage stays as it was). */
export function audioTokens(input: number, output: number): Pick<Usage, "audioInputTokens" | "audioOutputTokens"> {
  const out: Pick<Usage, "audioInputTokens" | "audioOutputTokens"> = {};
  if (input > 0) out.audioInputTokens = input;
  if (output > 0) out.audioOutputTokens = output;
  return out;
}

export function usage(partial: Partial<Usage>): Usage {
  return { ...ZERO_USAGE, ...partial };
}

import type { CallState } from "../proxy/call-state.ts";
import { countTokens, encodingForModel, estimateInputTokens } from "./tokenizer.ts";
import { usage, type Usage } from "./usage.ts";

/**
 * Estimated usage of a call the provider reported none for: input from the request (through the adapter's
 * inputText), output from the text that passed (the stream meter's text, or the JSON body's). Undefined
 * when there is nothing to count. Throws only if the tokenizer fails; the caller records that and moves on.
 */
export function estimateCallUsage(call: CallState): Usage | undefined {
  const model = call.facts.responseModel ?? call.info.model;
  const output = call.meter ? call.meter.outputText() : (call.facts.outputText ?? "");
  const outputTokens = countTokens(output, encodingForModel(model));
  const partial = call.facts.partialUsage;
  if (partial) {
    // The input side was reported before the stream ended; only the output is estimated.
    return { ...partial, outputTokens: Math.max(partial.outputTokens, outputTokens), reasoningTokens: partial.reasoningTokens };
  }
  let inputTokens = 0;
  if (call.json && call.adapter.inputText) {
    const { text, messages } = call.adapter.inputText(call.json, call.info);
    inputTokens = estimateInputTokens(text, messages, model);
  }
  if (inputTokens === 0 && outputTokens === 0) return undefined;
  return usage({ inputTokens, outputTokens });
}

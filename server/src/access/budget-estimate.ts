import { costFor } from "../pricing/cost.ts";
import type { PriceBook } from "../pricing/price-book.ts";
import { usage } from "../recording/usage.ts";
import type { CallState } from "../proxy/call-state.ts";
import { contextTokens, hiddenInput, IMAGE_INPUT_TOKENS, requestedCandidates } from "./estimate-inputs.ts";

/**
 * Request fields that cap output tokens, across OpenAI chat/Responses, Anthropic, Gemini and Bedrock
 * (Converse `inferenceConfig.maxTokens`; InvokeModel bodies: Nova's `inferenceConfig.max_new_tokens`,
 * Llama's `max_gen_len`, Anthropic's and Mistral's `max_tokens`).
 */
function requestedMaxOutput(json: Record<string, unknown> | undefined): number | undefined {
  if (!json) return undefined;
  for (const field of ["max_completion_tokens", "max_tokens", "max_output_tokens", "max_gen_len"]) {
    const v = json[field];
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) return Math.ceil(v);
  }
  const generation = json.generationConfig;
  if (generation !== null && typeof generation === "object") {
    const v = (generation as Record<string, unknown>).maxOutputTokens;
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) return Math.ceil(v);
  }
  const inference = json.inferenceConfig;
  if (inference !== null && typeof inference === "object") {
    const config = inference as Record<string, unknown>;
    const v = config.maxTokens ?? config.max_new_tokens;
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) return Math.ceil(v);
  }
  return undefined;
}

/**
 * What a budget reserves before forwarding: an upper-leaning estimate of the call's cost from the price
 * book — input as one token per 3 request bytes (JSON and text run nearer 4), output as the request's own
 * max-tokens cap or `defaultMaxOutput` — so the hot path never tokenizes. "0" for calls Tollgate does not
 * meter or whose model it cannot read. Output is multiplied by the completions asked for (`n`,
 * `candidateCount`); input the bytes do not measure is reserved too — images by URL at IMAGE_INPUT_TOKENS
 * each, and a previous response, file or cached context at the model's whole context window. Null when the model has no price (such calls cost nothing the budget
 * can count: a budget with `unpriced: "block"` refuses them, others let them through and count them).
 */
export function estimateCallCost(call: CallState, book: PriceBook, defaultMaxOutput: number): string | null {
  const model = call.info.model;
  if (!call.info.metered || !model) return "0";
  const match = book.priceFor(call.adapter.priceProvider ?? call.provider.priceProvider, model, new Date(call.startedMs), null);
  if (!match) return null;
  const embeddings = call.info.endpoint.includes("embed");
  const outputTokens = embeddings ? 0 : (requestedMaxOutput(call.json) ?? defaultMaxOutput) * requestedCandidates(call.json);
  const hidden = hiddenInput(call.json);
  let inputTokens = Math.ceil(call.requestBytes / 3) + hidden.images * IMAGE_INPUT_TOKENS;
  if (hidden.unknowable) inputTokens = Math.max(inputTokens, contextTokens(model));
  return costFor(match.price, usage({ inputTokens, outputTokens })).costUsd;
}

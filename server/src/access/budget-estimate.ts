import { costFor } from "../pricing/cost.ts";
import type { PriceBook } from "../pricing/price-book.ts";
import { usage } from "../domain/usage.ts";
import { priceProviderOf } from "../providers/index.ts";
import type { CallState } from "../proxy/call-state.ts";
import { contextTokens, hiddenInput, IMAGE_INPUT_TOKENS, requestedCandidates } from "./estimate-inputs.ts";

/** The output cap a request names: the first of its adapter's `maxOutputFields` that holds a count. */
function requestedMaxOutput(json: Record<string, unknown> | undefined, fields: readonly string[]): number | undefined {
  if (!json) return undefined;
  for (const field of fields) {
    let v: unknown = json;
    for (const key of field.split(".")) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) return Math.ceil(v);
  }
  return undefined;
}

/**
 * What a budget reserves before forwarding: an upper-leaning estimate of the call's cost from the price
 * book — input as one token per 3 request bytes (JSON and text run nearer 4), output as the request's own
 * max-tokens cap (the fields its adapter names) or `defaultMaxOutput` — so the hot path never tokenizes. "0" for calls Tollgate does not
 * meter or whose model it cannot read. Output is multiplied by the completions asked for (`n`,
 * `candidateCount`); input the bytes do not measure is reserved too — images by URL at IMAGE_INPUT_TOKENS
 * each, and a previous response, file or cached context at the model's whole context window. Null when the model has no price (such calls cost nothing the budget
 * can count: a budget with `unpriced: "block"` refuses them, others let them through and count them).
 */
export function estimateCallCost(call: CallState, book: PriceBook, defaultMaxOutput: number): string | null {
  const model = call.info.model;
  if (!call.info.metered || !model) return "0";
  const match = book.priceFor(priceProviderOf(call), model, new Date(call.startedMs), null);
  if (!match) return null;
  const embeddings = call.info.endpoint.includes("embed");
  const outputTokens = embeddings
    ? 0
    : (requestedMaxOutput(call.json, call.adapter.maxOutputFields) ?? defaultMaxOutput) * requestedCandidates(call.json);
  const hidden = hiddenInput(call.json);
  let inputTokens = Math.ceil(call.requestBytes / 3) + hidden.images * IMAGE_INPUT_TOKENS;
  if (hidden.unknowable) inputTokens = Math.max(inputTokens, contextTokens(model));
  return costFor(match.price, usage({ inputTokens, outputTokens })).costUsd;
}

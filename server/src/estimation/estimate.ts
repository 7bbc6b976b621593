import type { TiktokenEncoding } from "tiktoken";
import { countSample, encodingForModel, messageOverhead, sampleText, type TextSample } from "./tokenizer.ts";
import { usage, type Usage } from "../domain/usage.ts";

/** A request's input as the estimator counts it (gathered on the event loop, counted in the worker). */
export interface EstimateInput {
  /** the messages' text (roles, contents, tool calls and results) */
  text: string;
  /** messages, each costing OpenAI's per-message overhead (0 for embeddings and plain prompts) */
  messages: number;
  /** function definitions as the model reads them (tool-text.ts), counted on their own */
  tools?: string;
  /** fixed tokens beyond the texts and the per-message overhead (tool definitions, tool calls, names) */
  extraTokens?: number;
}

/**
 * What an estimate reads from a finished call (the proxy's call state has all of it): the request as the
 * adapter parsed it, the response's facts, the stream meter's text, and the adapter's inputText.
 */
export interface EstimableCall<Info extends { model: string | null } = { model: string | null }> {
  info: Info;
  facts: { responseModel?: string; outputText?: string; partialUsage?: Usage };
  meter: { outputText(): string } | null;
  json: Record<string, unknown> | undefined;
  adapter: { inputText?(json: Record<string, unknown>, info: Info): EstimateInput };
}

/**
 * What an estimate needs from a finished call, taken on the event loop (string slices, no encoding) so the
 * call's state can be released and the counting done elsewhere (the estimator's worker thread). Plain data:
 * it crosses postMessage as is.
 */
export interface EstimateJob {
  encoding: TiktokenEncoding;
  output: TextSample;
  /**
   * the request's text, message count, function definitions' text and fixed extra tokens (see the adapters'
   * inputText); absent when the provider reported the input side already
   */
  input?: { text: TextSample; messages: number; tools?: TextSample; extraTokens?: number };
  /** usage reported before the stream ended (the input side); only the output is estimated then */
  partial?: Usage;
}

/**
 * The job for a call the provider reported no usage for: input from the request (through the adapter's
 * inputText), output from the text that passed (the stream meter's text, or the JSON body's). Undefined
 * when there is nothing to count.
 */
export function estimateJob<Info extends { model: string | null }>(call: EstimableCall<Info>): EstimateJob | undefined {
  const model = call.facts.responseModel ?? call.info.model;
  const output = sampleText(call.meter ? call.meter.outputText() : (call.facts.outputText ?? ""));
  const encoding = encodingForModel(model);
  const partial = call.facts.partialUsage;
  if (partial) return { encoding, output, partial };
  let input: EstimateJob["input"];
  if (call.json && call.adapter.inputText) {
    // Gathered only now, for a call that reported no usage: never on the path of calls that do.
    const { text, messages, tools, extraTokens } = call.adapter.inputText(call.json, call.info);
    if (text.length > 0 || messages > 0 || tools) {
      input = { text: sampleText(text), messages };
      if (tools) input.tools = sampleText(tools);
      if (extraTokens) input.extraTokens = extraTokens;
    }
  }
  if (!input && output.length === 0) return undefined;
  return { encoding, output, input };
}

/** Counts a job's tokens (the expensive part). Undefined when both sides count zero. */
export function usageFromJob(job: EstimateJob): Usage | undefined {
  const outputTokens = countSample(job.output, job.encoding);
  if (job.partial) {
    // The input side was reported before the stream ended; only the output is estimated.
    return { ...job.partial, outputTokens: Math.max(job.partial.outputTokens, outputTokens), reasoningTokens: job.partial.reasoningTokens };
  }
  const inputTokens = job.input ? inputTokensOf(job.input, job.encoding) : 0;
  if (inputTokens === 0 && outputTokens === 0) return undefined;
  return usage({ inputTokens, outputTokens });
}

/**
 * Input tokens: the messages' text, OpenAI's per-message overhead, the function definitions' text (encoded on
 * its own, as the model reads it apart from the messages) and the fixed extras. Never below zero.
 */
function inputTokensOf(input: NonNullable<EstimateJob["input"]>, encoding: TiktokenEncoding): number {
  const tools = input.tools ? countSample(input.tools, encoding) : 0;
  return Math.max(0, countSample(input.text, encoding) + messageOverhead(input.messages) + tools + (input.extraTokens ?? 0));
}

/**
 * Estimated usage of a call, counted right here (tests, tools). The server counts in the estimator's worker
 * thread instead, so a long text never stalls the event loop. Throws only if the tokenizer fails.
 */
export function estimateCallUsage<Info extends { model: string | null }>(call: EstimableCall<Info>): Usage | undefined {
  const job = estimateJob(call);
  return job ? usageFromJob(job) : undefined;
}

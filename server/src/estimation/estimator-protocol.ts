import { usageFromJob, type EstimateJob } from "./estimate.ts";
import { preloadTokenizer } from "./tokenizer.ts";
import type { Usage } from "../domain/usage.ts";

/** Messages between the estimator (event loop) and its worker thread. Plain data only. */
export type ToWorker = { type: "estimate"; id: number; job: EstimateJob } | { type: "preload" };

export type FromWorker =
  | { type: "estimate"; id: number; usage: Usage | null }
  | { type: "estimate"; id: number; error: string }
  | { type: "preload"; ms: number }
  | { type: "preload"; error: string };

/**
 * The worker's answer to one message (the expensive part: loading encoders, encoding text). Kept apart from
 * the worker's entry so a test worker can answer the same way on its own terms (held back, crashing).
 */
export function answer(message: ToWorker): FromWorker {
  if (message.type === "preload") {
    try {
      return { type: "preload", ms: preloadTokenizer() };
    } catch (err) {
      return { type: "preload", error: errorText(err) };
    }
  }
  try {
    return { type: "estimate", id: message.id, usage: usageFromJob(message.job) ?? null };
  } catch (err) {
    return { type: "estimate", id: message.id, error: errorText(err) };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

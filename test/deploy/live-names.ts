import { createMetrics } from "../../server/src/metrics/index.ts";
import { parsePromText } from "../support/prom-text.ts";
import { callRecord } from "../support/call-record.ts";

/** Prometheus adds these to every scrape; queries may read them although /metrics does not expose them. */
export const SCRAPE_SERIES = new Set(["up", "scrape_duration_seconds", "scrape_samples_scraped"]);

/**
 * Every sample name the real registry exposes once it has seen one call of each kind and one recorder and
 * budget event — taken from the exposition text, not from a hand-written list.
 */
export async function liveSampleNames(): Promise<Set<string>> {
  const metrics = createMetrics({ maxApps: 5, maxModels: 5 });
  metrics.observeCall(
    callRecord({
      stream: true, ttftMs: 120, inputTokens: 10, cachedInputTokens: 2, cacheWriteTokens: 1, outputTokens: 5,
      reasoningTokens: 1, costUsd: "0.0000123400",
    }),
  );
  metrics.observeCall(callRecord({ model: "gpt-9", inputTokens: 3, costUsd: null, priced: false, priceId: null }));
  metrics.recorder.setQueueDepth(1);
  metrics.recorder.setSpooledRecords(0);
  metrics.recorder.addDropped(1, "queue_full");
  metrics.recorder.addWritten(1);
  metrics.recorder.observeBatch(0.01);
  metrics.meteringFailure("price");
  metrics.reconciliation.set("openai", "1.5", "100");
  metrics.reconciliation.setAlertShare(0.05);
  metrics.budget.set({ budget: "app:checkout", app: "checkout", limitUsd: 100, spentUsd: 1, reservedUsd: 0, unpricedCalls: 0 });
  return parsePromText(await metrics.registry.metrics()).names();
}

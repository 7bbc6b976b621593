import { createHash } from "node:crypto";
import type { PriceRow } from "./price-row.ts";

export const PRIORITY_SOURCE = "tollgate";

/**
 * OpenAI's Priority processing rates (`service_tier: "priority"` in the response), USD per 1M tokens as
 * published on openai.com/api-priority-processing: [model, input, cached input, output]. The premium differs
 * per model (1.67× to 2×), so these are rows, not a multiplier. Requests above 128K prompt tokens are served
 * at Standard and answered with `service_tier: "default"`, so they never reach these rows. genai-prices has no
 * service-tier prices; Anthropic publishes none for its Priority Tier (a TOLLGATE_CONFIG row with
 * `serviceTier: priority` prices it).
 */
const OPENAI_PRIORITY: ReadonlyArray<readonly [string, string, string | null, string]> = [
  ["gpt-5.4-mini", "1.5", "0.15", "9"],
  ["gpt-5.4", "5", "0.5", "30"],
  ["gpt-5.2", "3.5", "0.35", "28"],
  ["gpt-5.1", "2.5", "0.25", "20"],
  ["gpt-5", "2.5", "0.25", "20"],
  ["gpt-5-mini", "0.45", "0.045", "3.6"],
  ["gpt-5.1-codex", "2.5", "0.25", "20"],
  ["gpt-5-codex", "2.5", "0.25", "20"],
  ["gpt-4.1", "3.5", "0.875", "14"],
  ["gpt-4.1-mini", "0.7", "0.175", "2.8"],
  ["gpt-4.1-nano", "0.2", "0.05", "0.8"],
  ["gpt-4o", "4.25", "2.125", "17"],
  ["gpt-4o-2024-11-20", "4.25", "2.125", "17"],
  ["gpt-4o-2024-08-06", "4.25", "2.125", "17"],
  ["gpt-4o-2024-05-13", "8.75", null, "26.25"],
  ["gpt-4o-mini", "0.25", "0.125", "1"],
  ["o3", "3.5", "0.875", "14"],
  ["o4-mini", "2", "0.5", "8"],
];

/** No start date is published: the rows apply from the beginning (priority calls predate Tollgate's table). */
const FROM = new Date("1970-01-01T00:00:00.000Z");

export const PRIORITY_PRICE_ROWS: readonly PriceRow[] = OPENAI_PRIORITY.map(([model, input, cached, output]) => {
  const hash = createHash("sha256")
    .update(JSON.stringify([model, input, cached, output]))
    .digest("hex")
    .slice(0, 16);
  return {
    id: `tg:openai:priority:${model}:${hash}`,
    provider: "openai",
    model,
    matchType: "exact",
    serviceTier: "priority",
    effectiveFrom: FROM,
    inputUsdPerMTok: input,
    cachedInputUsdPerMTok: cached,
    cacheWriteUsdPerMTok: null,
    cacheWrite1hUsdPerMTok: null,
    outputUsdPerMTok: output,
    tiers: null,
    dailyStartUtc: null,
    dailyEndUtc: null,
    source: PRIORITY_SOURCE,
  };
});

import { usage, type Usage } from "../../domain/usage.ts";
import { normalizeAnthropicUsage } from "../anthropic/adapter.ts";
import { n, obj, str } from "../json.ts";
import type { ResponseFacts } from "../types.ts";
import type { Family } from "./model-id.ts";

/**
 * Bedrock's own token counts (Converse `usage`, a stream's `metadata` event, InvokeModel's Nova bodies):
 * `inputTokens` excludes cache reads and writes, which come apart; `cacheDetails` splits the writes by TTL.
 */
export function converseUsage(u: Record<string, unknown>): Usage {
  const read = n(u.cacheReadInputTokens ?? u.cacheReadInputTokenCount);
  const writes = n(u.cacheWriteInputTokens ?? u.cacheWriteInputTokenCount);
  let writes1h = 0;
  if (Array.isArray(u.cacheDetails)) for (const d of u.cacheDetails) if (obj(d)?.ttl === "1h") writes1h += n(obj(d)?.inputTokens);
  return usage({
    inputTokens: n(u.inputTokens) + read + writes,
    cachedInputTokens: read,
    cacheWriteTokens: writes,
    cacheWrite1hTokens: Math.min(writes1h, writes),
    outputTokens: n(u.outputTokens),
  });
}

/** `amazon-bedrock-invocationMetrics` on a streamed InvokeModel's last chunk (counts exclude cache tokens). */
export function invocationMetricsUsage(m: Record<string, unknown>): Usage {
  const read = n(m.cacheReadInputTokenCount);
  const writes = n(m.cacheWriteInputTokenCount);
  return usage({
    inputTokens: n(m.inputTokenCount) + read + writes,
    cachedInputTokens: read,
    cacheWriteTokens: writes,
    outputTokens: n(m.outputTokenCount),
  });
}

/**
 * Usage in an InvokeModel answer's model-native body, by family: Anthropic's Messages usage, Nova's
 * `usage`, Llama's `prompt_token_count`/`generation_token_count`, Mistral's chat `usage` when it has one
 * (its text-completion bodies have none: the response headers count them).
 */
export function nativeUsage(family: Family, json: Record<string, unknown>): Usage | undefined {
  const u = obj(json.usage);
  if (family === "anthropic" && u && ("input_tokens" in u || "output_tokens" in u)) return normalizeAnthropicUsage(u);
  if (u && ("inputTokens" in u || "outputTokens" in u)) return converseUsage(u);
  if ("prompt_token_count" in json || "generation_token_count" in json) {
    return usage({ inputTokens: n(json.prompt_token_count), outputTokens: n(json.generation_token_count) });
  }
  if (u && ("prompt_tokens" in u || "completion_tokens" in u))
    return usage({ inputTokens: n(u.prompt_tokens), outputTokens: n(u.completion_tokens) });
  return undefined;
}

/** The generated text of a Converse answer or a native body, for estimating output when no usage came. */
export function outputTextOf(json: Record<string, unknown>): string {
  const message = obj(obj(json.output)?.message);
  const blocks = Array.isArray(message?.content) ? message.content : Array.isArray(json.content) ? json.content : [];
  let out = "";
  for (const b of blocks) out += str(obj(b)?.text) ?? "";
  if (typeof json.generation === "string") out += json.generation;
  if (typeof json.completion === "string") out += json.completion;
  for (const key of ["outputs", "choices"]) {
    const list = json[key];
    if (Array.isArray(list)) for (const o of list) out += str(obj(o)?.text) ?? str(obj(obj(o)?.message)?.content) ?? "";
  }
  return out;
}

/** Bedrock's error body (`{"message": …}`), its type from `__type` when there (else from x-amzn-errortype). */
export function errorFacts(json: Record<string, unknown>): ResponseFacts {
  const message = str(json.message) ?? str(json.Message);
  const type = str(json.__type);
  const facts: ResponseFacts = {};
  if (message) facts.errorMessage = message;
  if (type) facts.errorType = errorTypeName(type);
  return facts;
}

/** `ValidationException:http://internal.amazon.com/…` or `com.amazon…#ValidationException` → `ValidationException`. */
export function errorTypeName(raw: string): string {
  const noNamespace = raw.slice(raw.lastIndexOf("#") + 1);
  const colon = noNamespace.indexOf(":");
  return colon === -1 ? noNamespace : noNamespace.slice(0, colon);
}

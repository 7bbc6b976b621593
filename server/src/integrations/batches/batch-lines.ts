import type { CallRecord, Outcome } from "../../domain/call-record.ts";
import { ZERO_USAGE } from "../../domain/usage.ts";
import { anthropic } from "../../providers/anthropic/adapter.ts";
import { openai } from "../../providers/openai/adapter.ts";
import type { RequestInfo, ResponseFacts } from "../../providers/types.ts";

/** One result line as a call, before it is priced and attributed. */
export interface BatchLine {
  customId: string;
  endpoint: string;
  startedAt: Date | null;
  status: number;
  outcome: Outcome;
  facts: ResponseFacts;
  requestId: string | null;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

/** The endpoint a batch response body answers, from its `object`. */
const OPENAI_ENDPOINTS: Record<string, string> = {
  "chat.completion": "chat.completions",
  response: "responses",
  list: "embeddings",
  text_completion: "completions",
};

function info(endpoint: string): RequestInfo {
  return { endpoint, metered: true, model: null, stream: false, deployment: null };
}

/**
 * An OpenAI batch output (or error) file line: `{id, custom_id, response: {status_code, request_id, body},
 * error}`; the body is what the endpoint would have answered, read by the OpenAI adapter.
 */
function openAiLine(json: Record<string, unknown>): BatchLine | null {
  const customId = str(json.custom_id);
  if (!customId) return null;
  const response = obj(json.response);
  const body = obj(response?.body);
  const status = typeof response?.status_code === "number" ? response.status_code : 0;
  const endpoint = OPENAI_ENDPOINTS[str(body?.object) ?? ""] ?? "chat.completions";
  const facts = body ? openai.factsFromJson(info(endpoint), body) : {};
  const error = obj(json.error);
  if (error) Object.assign(facts, { errorType: str(error.code) ?? "batch_error", errorMessage: str(error.message) });
  const ok = status >= 200 && status < 300 && !error;
  return {
    customId,
    endpoint: `batch.${endpoint}`,
    startedAt:
      typeof body?.created === "number"
        ? new Date(body.created * 1000)
        : typeof body?.created_at === "number"
          ? new Date(body.created_at * 1000)
          : null,
    status,
    outcome: ok ? "ok" : status === 429 ? "rate_limited" : "upstream_error",
    facts: ok ? facts : { ...facts, usage: undefined },
    requestId: str(response?.request_id) ?? null,
  };
}

/** An Anthropic results line: `{custom_id, result: {type: succeeded|errored|canceled|expired, message|error}}`. */
function anthropicLine(json: Record<string, unknown>): BatchLine | null {
  const customId = str(json.custom_id);
  const result = obj(json.result);
  if (!customId || !result) return null;
  if (result.type === "succeeded") {
    const message = obj(result.message) ?? {};
    return {
      customId,
      endpoint: "batch.messages",
      startedAt: null,
      status: 200,
      outcome: "ok",
      facts: anthropic.factsFromJson(info("messages"), message),
      requestId: str(message.id) ?? null,
    };
  }
  // Errored, canceled and expired requests are not billed.
  const error = obj(obj(result.error)?.error) ?? obj(result.error);
  return {
    customId,
    endpoint: "batch.messages",
    startedAt: null,
    status: 0,
    outcome: "upstream_error",
    facts: { errorType: str(error?.type) ?? String(result.type), errorMessage: str(error?.message) },
    requestId: null,
  };
}

/** The result lines of a JSONL results body (blank and unreadable lines skipped). */
export function parseBatchLines(format: "openai" | "anthropic", text: string): BatchLine[] {
  const out: BatchLine[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    let json: Record<string, unknown> | undefined;
    try {
      json = obj(JSON.parse(line));
    } catch {
      continue;
    }
    if (!json) continue;
    const parsed = format === "openai" ? openAiLine(json) : anthropicLine(json);
    if (parsed) out.push(parsed);
  }
  return out;
}

export type BatchRecordBase = Pick<CallRecord, "provider" | "app" | "user" | "properties" | "keyId">;

/** A result line's call record (unpriced; the meter prices it at the batch tier). */
export function lineRecord(id: string, line: BatchLine, startedAt: Date, base: BatchRecordBase): CallRecord {
  const facts = line.facts;
  return {
    id,
    startedAt,
    ...base,
    endpoint: line.endpoint,
    model: facts.responseModel ?? null,
    responseModel: facts.responseModel ?? null,
    deployment: null,
    stream: false,
    status: line.status,
    outcome: line.outcome,
    errorType: line.outcome === "ok" ? null : (facts.errorType ?? `http_${line.status}`),
    errorMessage: line.outcome === "ok" ? null : (facts.errorMessage ?? null),
    errorBody: null,
    upstreamRequestId: line.requestId,
    serviceTier: "batch",
    ...ZERO_USAGE,
    ...(facts.usage ?? {}),
    usageSource: facts.usage ? "reported" : "none",
    costUsd: null,
    priceId: null,
    priced: false,
    latencyMs: 0,
    ttftMs: null,
    overheadMs: 0,
    requestBytes: 0,
    responseBytes: 0,
    requestBody: null,
    responseBody: null,
  };
}

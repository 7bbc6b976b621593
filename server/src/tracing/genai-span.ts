import type { Attributes } from "@opentelemetry/api";
import type { ProviderConfig } from "../providers/provider-config.ts";
import type { CallRecord } from "../domain/call-record.ts";

/**
 * gen_ai.provider.name by wire format, the OpenTelemetry GenAI conventions' well-known values. A custom
 * route speaking the OpenAI format to another vendor (OpenRouter, vLLM…) is named by its route instead.
 */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  openai: "openai",
  azure: "azure.ai.openai",
  anthropic: "anthropic",
  gemini: "gcp.gemini",
  mistral: "mistral_ai",
  bedrock: "aws.bedrock",
};

/** gen_ai.operation.name by Tollgate's endpoint name. */
const OPERATIONS: Readonly<Record<string, string>> = {
  "chat.completions": "chat",
  responses: "chat",
  messages: "chat",
  generateContent: "generate_content",
  streamGenerateContent: "generate_content",
  embeddings: "embeddings",
  embedContent: "embeddings",
  batchEmbedContents: "embeddings",
  completions: "text_completion",
  "fim.completions": "text_completion",
};

/** What a route contributes to its calls' spans: the provider's name and the upstream's address. */
export interface RouteInfo {
  providerName: string;
  address: string;
  port: number;
}

export function routeInfo(p: ProviderConfig, builtin: boolean): RouteInfo {
  const url = new URL(p.baseUrl);
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  // Claude on a Gemini-format (Vertex) route is still Vertex AI's; calls say so by their endpoint.
  const providerName = builtin || p.format === "azure" ? (PROVIDER_NAMES[p.format] ?? p.name) : p.name;
  return { providerName, address: url.hostname, port };
}

export function operationName(endpoint: string): string {
  return OPERATIONS[endpoint] ?? endpoint;
}

/** The span's name per the conventions: `{gen_ai.operation.name} {gen_ai.request.model}`. */
export function spanName(record: CallRecord): string {
  const op = operationName(record.endpoint);
  return record.model ? `${op} ${record.model}` : op;
}

/**
 * A call's span attributes: the GenAI conventions' (gen_ai.*, error.type, server.*) and Tollgate's own
 * (tollgate.*: cost as an exact decimal string, call id, app, user, session, outcome, usage source).
 * gen_ai.system repeats gen_ai.provider.name for backends still on the conventions before v1.37.
 */
export function spanAttributes(record: CallRecord, route: RouteInfo | undefined): Attributes {
  let providerName = route?.providerName ?? record.provider;
  // Claude through a Gemini-format route is Vertex AI serving Anthropic's model.
  if (providerName === "gcp.gemini" && record.endpoint.startsWith("messages")) providerName = "gcp.vertex_ai";
  const a: Attributes = {
    "gen_ai.operation.name": operationName(record.endpoint),
    "gen_ai.provider.name": providerName,
    "gen_ai.system": providerName,
    "tollgate.call_id": record.id,
    "tollgate.provider": record.provider,
    "tollgate.endpoint": record.endpoint,
    "tollgate.app": record.app,
    "tollgate.outcome": record.outcome,
    "tollgate.usage_source": record.usageSource,
    "tollgate.stream": record.stream,
    "http.response.status_code": record.status,
  };
  if (route) {
    a["server.address"] = route.address;
    a["server.port"] = route.port;
  }
  if (record.model) a["gen_ai.request.model"] = record.model;
  if (record.responseModel) a["gen_ai.response.model"] = record.responseModel;
  if (record.upstreamRequestId) a["gen_ai.response.id"] = record.upstreamRequestId;
  if (record.finishReasons && record.finishReasons.length > 0) a["gen_ai.response.finish_reasons"] = record.finishReasons;
  if (record.usageSource !== "none") {
    a["gen_ai.usage.input_tokens"] = record.inputTokens;
    a["gen_ai.usage.output_tokens"] = record.outputTokens;
    a["gen_ai.usage.cache_read.input_tokens"] = record.cachedInputTokens;
    a["gen_ai.usage.cache_creation.input_tokens"] = record.cacheWriteTokens;
    a["gen_ai.usage.reasoning.output_tokens"] = record.reasoningTokens;
  }
  if (record.costUsd !== null) a["tollgate.cost_usd"] = record.costUsd;
  if (record.ttftMs !== null) a["tollgate.ttft_ms"] = record.ttftMs;
  if (record.user) a["tollgate.user"] = record.user;
  if (record.sessionId) a["tollgate.session_id"] = record.sessionId;
  if (record.serviceTier) a["tollgate.service_tier"] = record.serviceTier;
  if (record.outcome !== "ok") a["error.type"] = record.errorType ?? record.outcome;
  return a;
}

import { add, decimalFromNumber, formatDecimal, normalize } from "../../lib/decimal.ts";
import { audioTokens, usage, type Usage } from "../../domain/usage.ts";
import { ERROR_CHUNK, hasObjectKeyNearEnd, n, obj, scanStringValues, str, stringsOf } from "../json.ts";
import { readTopLevel } from "../json-cut.ts";
import { responsesFacts, ResponsesStreamMeter } from "../responses/meter.ts";
import {
  DROP,
  PASS,
  TOKEN,
  type ParsedRequest,
  type ProviderAdapter,
  type RequestInfo,
  type ResponseFacts,
  type StreamMeter,
} from "../types.ts";
import { chatInputText } from "./input.ts";
import { FEE_KINDS } from "../../pricing/fee-price-row.ts";
import { batchEvent } from "../batches/batch-event.ts";
import { openAiBatchPath } from "../batches/batch-paths.ts";

/**
 * Normalizes an OpenAI-style usage object (chat completions, embeddings, and the OpenAI-compatible crowd:
 * DeepSeek's cache-hit fields, Groq's x_groq.usage, OpenRouter's cache writes). prompt_tokens already
 * includes cached tokens and completion_tokens already includes reasoning tokens.
 */
export function normalizeOpenAiUsage(u: Record<string, unknown>): Usage {
  const prompt = obj(u.prompt_tokens_details);
  const completion = obj(u.completion_tokens_details);
  const cached = n(prompt?.cached_tokens) || n(u.prompt_cache_hit_tokens) || n(u.num_cached_tokens);
  return usage({
    inputTokens: n(u.prompt_tokens),
    cachedInputTokens: cached,
    cacheWriteTokens: n(prompt?.cache_write_tokens),
    outputTokens: n(u.completion_tokens),
    reasoningTokens: n(completion?.reasoning_tokens),
    ...audioTokens(n(prompt?.audio_tokens), n(completion?.audio_tokens)),
  });
}

function endpointOf(path: string): { endpoint: string; metered: boolean; deployment: string | null } {
  // Azure's dated routes carry the deployment: /openai/deployments/{d}/chat/completions
  const azure = /\/deployments\/([^/]+)\/(chat\/completions|embeddings|completions)$/.exec(path);
  if (azure) return { endpoint: azure[2]!.replace("/", "."), metered: true, deployment: decodeURIComponent(azure[1]!) };
  if (path.endsWith("/chat/completions")) return { endpoint: "chat.completions", metered: true, deployment: null };
  if (path.endsWith("/embeddings")) return { endpoint: "embeddings", metered: true, deployment: null };
  if (path.endsWith("/responses")) return { endpoint: "responses", metered: true, deployment: null };
  return { endpoint: path, metered: false, deployment: null };
}

function errorFacts(json: Record<string, unknown>): ResponseFacts {
  const err = obj(json.error);
  if (err) return { errorType: str(err.code) ?? str(err.type), errorMessage: str(err.message) };
  // Mistral's flat shape: {"object":"error","message","type","code"}
  if (json.object === "error") return { errorType: str(json.type) ?? str(json.code), errorMessage: str(json.message) };
  return {};
}

/**
 * Chat Completions' search models (gpt-4o-search-preview, gpt-5-search-api…) search the web on every call
 * and bill it as web search tool calls, but report no count: the fee is recorded with an unknown count.
 */
function searchModelFees(facts: ResponseFacts, model: string | null | undefined): void {
  if (facts.usage && model && /-search-(preview|api)/i.test(model)) facts.fees = [{ kind: FEE_KINDS.webSearch, count: null }];
}

function chatFacts(json: Record<string, unknown>): ResponseFacts {
  const u = obj(json.usage) ?? obj(obj(json.x_groq)?.usage);
  // Mistral reports the tier inside usage; OpenAI at the top level.
  const facts: ResponseFacts = { responseModel: str(json.model), serviceTier: str(json.service_tier) ?? str(u?.service_tier) };
  const reasons = stringsOf(json.choices, "finish_reason");
  if (reasons) facts.finishReasons = reasons;
  if (u) {
    facts.usage = normalizeOpenAiUsage(u);
    const cost = reportedCost(u);
    if (cost) facts.reportedCostUsd = cost;
  }
  return facts;
}

/**
 * OpenRouter's own charge in USD (`usage.cost`). With a bring-your-own key it is only OpenRouter's fee, and
 * the upstream provider bills `cost_details.upstream_inference_cost` to that key: the call cost the sum.
 */
function reportedCost(u: Record<string, unknown>): string | undefined {
  const cost = u.cost;
  if (typeof cost !== "number" || !Number.isFinite(cost) || cost < 0) return undefined;
  let total = decimalFromNumber(cost);
  const upstream = obj(u.cost_details)?.upstream_inference_cost;
  if (u.is_byok === true && typeof upstream === "number" && Number.isFinite(upstream) && upstream > 0)
    total = add(total, decimalFromNumber(upstream));
  return formatDecimal(normalize(total));
}

/** OpenAI chat-completion streams: usage arrives in a final chunk (when asked for), text in deltas. */
class ChatStreamMeter implements StreamMeter {
  private readonly facts_: ResponseFacts = {};
  private readonly pieces: string[] = [];
  private keptChars = 0;
  private tokenSeen = false;
  private readonly finishReasons: string[] = [];
  constructor(private readonly hideUsage: boolean) {}

  /** Keeps chunk text (references, not copies) for estimation; bounded so a huge stream cannot grow memory. */
  private keep(data: string): void {
    if (this.keptChars > 4_000_000) return;
    this.keptChars += data.length;
    this.pieces.push(data);
  }

  onEvent(_event: string | undefined, data: string | undefined): number {
    if (data === undefined || data === "[DONE]") return PASS;
    // Only chunks that carry usage or an error need a full parse; content chunks are kept as text.
    const hasUsage = hasObjectKeyNearEnd(data, '"usage":');
    if (!hasUsage && !ERROR_CHUNK.test(data)) {
      let verdict = PASS;
      if (!this.tokenSeen && /"(content|arguments|reasoning(_content)?|refusal)":\s*"[^"]/.test(data)) {
        this.tokenSeen = true;
        verdict = TOKEN;
      }
      // The last chunk of each choice names its finish reason; the others say null.
      scanStringValues(data, '"finish_reason":', this.finishReasons);
      this.keep(data);
      return verdict;
    }
    let json: Record<string, unknown> | undefined;
    try {
      json = obj(JSON.parse(data));
    } catch {
      return PASS;
    }
    if (!json) return PASS;
    if (json.error) Object.assign(this.facts_, errorFacts(json));
    const chunk = chatFacts(json);
    if (chunk.responseModel) this.facts_.responseModel = chunk.responseModel;
    if (chunk.serviceTier) this.facts_.serviceTier = chunk.serviceTier;
    if (chunk.usage) this.facts_.usage = chunk.usage;
    if (chunk.reportedCostUsd) this.facts_.reportedCostUsd = chunk.reportedCostUsd;
    if (chunk.finishReasons) this.finishReasons.push(...chunk.finishReasons);
    const choices = json.choices;
    const usageOnly = chunk.usage !== undefined && Array.isArray(choices) && choices.length === 0;
    if (!usageOnly) this.keep(data);
    return usageOnly && this.hideUsage ? DROP : PASS;
  }

  facts(): ResponseFacts {
    if (this.facts_.responseModel === undefined) {
      for (const piece of this.pieces) {
        const m = /"model":\s*"([^"]+)"/.exec(piece);
        if (m) {
          this.facts_.responseModel = m[1];
          break;
        }
      }
    }
    searchModelFees(this.facts_, this.facts_.responseModel);
    if (this.finishReasons.length > 0) this.facts_.finishReasons = this.finishReasons;
    return this.facts_;
  }

  outputText(): string {
    let text = "";
    for (const piece of this.pieces) {
      try {
        const choices = obj(JSON.parse(piece))?.choices;
        if (!Array.isArray(choices)) continue;
        for (const c of choices) {
          const delta = obj(obj(c)?.delta);
          if (!delta) continue;
          for (const key of ["content", "reasoning_content", "reasoning", "refusal"]) {
            const v = delta[key];
            if (typeof v === "string") text += v;
          }
          const calls = delta.tool_calls;
          if (Array.isArray(calls)) for (const call of calls) text += str(obj(obj(call)?.function)?.arguments) ?? "";
        }
      } catch {
        // a garbled chunk contributes nothing
      }
    }
    return text;
  }
}

/** The text of a chat completion's choices: contents, refusals and tool-call arguments. */
function messageText(body: Record<string, unknown>): string {
  let text = "";
  const choices = Array.isArray(body.choices) ? body.choices : [];
  for (const c of choices) {
    const message = obj(obj(c)?.message);
    if (!message) continue;
    text += (str(message.content) ?? "") + (str(message.refusal) ?? "") + (str(message.reasoning_content) ?? "");
    if (Array.isArray(message.tool_calls)) for (const call of message.tool_calls) text += str(obj(obj(call)?.function)?.arguments) ?? "";
  }
  return text;
}

/**
 * The top-level members an answer's facts come from (chatFacts), and those that mark an error; `object`
 * matters only when it is "error", which the "error" guard finds in the unread bytes as it finds the key.
 */
const FACT_MEMBERS = ["usage", "model", "service_tier", "x_groq", "error", "object"];
const FACT_GUARDS = FACT_MEMBERS.slice(0, 5);

/**
 * An embeddings answer (`CreateEmbeddingResponse {object: "list", data: Embedding[], model, usage}`) is
 * almost all vectors — 100 inputs at 1,536 dimensions are ≈3.3 MB as floats, ≈0.8 MB as base64 — and its facts
 * need only `model` and `usage`: those are read without parsing the vectors (./json-cut.ts), then go through
 * factsFromJson as the whole body would. Undefined (parsed whole) when they cannot be read cleanly.
 */
function embeddingsFacts(info: RequestInfo, body: Buffer): ResponseFacts | undefined {
  if (info.endpoint !== "embeddings") return undefined;
  const top = readTopLevel(body, FACT_MEMBERS, FACT_GUARDS);
  // Errors (which are small) are parsed whole: Mistral's flat ones carry their facts in other members.
  return top && top.error === undefined && top.object !== "error" ? openai.factsFromJson(info, top) : undefined;
}

export const openai: ProviderAdapter = {
  format: "openai",
  auth: { header: "authorization", prefix: "Bearer " },
  // chat (max_tokens is its older name), completions, Responses
  maxOutputFields: ["max_completion_tokens", "max_tokens", "max_output_tokens"],

  inspect(req: ParsedRequest): RequestInfo {
    const { endpoint, metered, deployment } = endpointOf(req.path);
    const json = req.json;
    const info: RequestInfo = {
      endpoint,
      metered: metered && req.method === "POST",
      model: str(json?.model) ?? null,
      stream: json?.stream === true,
      deployment,
    };
    const batch = metered ? null : openAiBatchPath(req.method, req.path);
    if (batch) info.batch = batch;
    return info;
  },

  prepareBody(info, body, json) {
    if (!info.stream || info.endpoint !== "chat.completions") return undefined;
    const options = obj(json.stream_options);
    if (options?.include_usage === true) return undefined;
    if (json.stream_options === undefined && !body.includes('"stream_options"')) {
      // Splice rather than re-serialize, so every other byte of the body stays as the client sent it.
      const at = body.indexOf("{");
      const rest = body.slice(at + 1).trimStart();
      const sep = rest.startsWith("}") ? "" : ",";
      return { body: body.slice(0, at + 1) + '"stream_options":{"include_usage":true}' + sep + body.slice(at + 1), hideUsage: true };
    }
    return { body: JSON.stringify({ ...json, stream_options: { ...options, include_usage: true } }), hideUsage: true };
  },

  factsFromJson(info, json) {
    const body = obj(json);
    if (!body) return {};
    if (body.error || body.object === "error") return errorFacts(body);
    if (info.endpoint === "responses") return responsesFacts(body);
    const facts = chatFacts(body);
    if (info.endpoint === "chat.completions") searchModelFees(facts, facts.responseModel ?? info.model);
    // A server that sends no usage (some self-hosted ones): keep the reply's text for the estimate.
    // Mistral's FIM answers in the chat-completion shape too.
    if (!facts.usage && (info.endpoint === "chat.completions" || info.endpoint === "fim.completions")) facts.outputText = messageText(body);
    return facts;
  },

  factsFromBody: (info, body) => (info.batch ? { batch: batchEvent("openai", info.batch, body) } : embeddingsFacts(info, body)),

  createStreamMeter(info, hideUsage) {
    return info.endpoint === "responses" ? new ResponsesStreamMeter() : new ChatStreamMeter(hideUsage);
  },

  requestIdHeaders: ["x-request-id", "apim-request-id"],

  errorBody(type, message) {
    return JSON.stringify({ error: { message, type, param: null, code: type } });
  },

  inputText: chatInputText,
};

import { audioTokens, usage, type Usage } from "../../domain/usage.ts";
import { ERROR_CHUNK, hasObjectKeyNearEnd, KeptText, n, obj, parseObject, scanStringValues, str, stringsOf } from "../json.ts";
import { readTopLevel } from "../json-cut.ts";
import { GroundingCounter } from "./grounding.ts";
import { PASS, TOKEN, type ParsedRequest, type ProviderAdapter, type RequestInfo, type ResponseFacts, type StreamMeter } from "../types.ts";

/**
 * Normalizes Gemini's usageMetadata. promptTokenCount already includes cachedContentTokenCount; tool-use
 * prompt tokens are billed as input too. candidatesTokenCount excludes thoughtsTokenCount, and both are
 * billed as output.
 */
export function normalizeGeminiUsage(u: Record<string, unknown>): Usage {
  const thoughts = n(u.thoughtsTokenCount);
  return usage({
    inputTokens: n(u.promptTokenCount) + n(u.toolUsePromptTokenCount),
    cachedInputTokens: n(u.cachedContentTokenCount),
    outputTokens: n(u.candidatesTokenCount) + thoughts,
    reasoningTokens: thoughts,
    ...audioTokens(modalityTokens(u.promptTokensDetails, "AUDIO"), modalityTokens(u.candidatesTokensDetails, "AUDIO")),
  });
}

/** The tokens of one modality in a ModalityTokenCount list (`[{modality: "AUDIO", tokenCount}]`). */
function modalityTokens(details: unknown, modality: string): number {
  if (!Array.isArray(details)) return 0;
  let total = 0;
  for (const d of details) if (obj(d)?.modality === modality) total += n(obj(d)?.tokenCount);
  return total;
}

/** Vertex's trafficType in the names the price table's service tiers use. */
const TRAFFIC_TIERS: Readonly<Record<string, string>> = {
  ON_DEMAND: "on_demand",
  ON_DEMAND_FLEX: "flex",
  ON_DEMAND_PRIORITY: "priority",
  PROVISIONED_THROUGHPUT: "provisioned_throughput",
};

/** models/{model}:{method} at the end of a Gemini API or Vertex path. */
const METHOD_PATH = /\/models\/([^/:]+):([A-Za-z]+)$/;
/**
 * Embeddings: `embedContent` (one `content`; Gemini API and Vertex) and `batchEmbedContents` (`requests[]`,
 * each with its own `content`; what @google/genai's `models.embedContent` calls on the Gemini API). Their
 * answers carry `usageMetadata: {promptTokenCount, promptTokenDetails[]}` (the Gemini API's
 * EmbeddingUsageMetadata, https://ai.google.dev/api/embeddings#EmbeddingUsageMetadata; Vertex's
 * EmbedContentResponse.usageMetadata, https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/projects.locations.publishers.models/embedContent),
 * read like generateContent's (input only; no candidates). Older answers carry only `embedding(s)`.
 */
const EMBED = new Set(["embedContent", "batchEmbedContents"]);
const METERED = new Set(["generateContent", "streamGenerateContent", ...EMBED]);

/** Facts of one GenerateContentResponse (a whole JSON body, or one stream chunk). */
function responseFacts(json: Record<string, unknown>, facts: ResponseFacts): void {
  const err = obj(json.error);
  if (err) {
    facts.errorType = str(err.status) ?? (err.code !== undefined ? String(err.code) : "error");
    facts.errorMessage = str(err.message);
    return;
  }
  const model = str(json.modelVersion);
  if (model) facts.responseModel = model;
  const id = str(json.responseId);
  if (id) facts.requestId = id;
  const reasons = stringsOf(json.candidates, "finishReason");
  if (reasons) facts.finishReasons = reasons;
  const u = obj(json.usageMetadata);
  if (!u) return;
  facts.usage = normalizeGeminiUsage(u);
  const traffic = str(u.trafficType);
  if (traffic) facts.serviceTier = TRAFFIC_TIERS[traffic] ?? traffic.toLowerCase();
}

function candidateText(json: Record<string, unknown>): string {
  let text = "";
  const candidates = json.candidates;
  if (!Array.isArray(candidates)) return text;
  for (const c of candidates) {
    const parts = obj(obj(c)?.content)?.parts;
    if (!Array.isArray(parts)) continue;
    for (const p of parts) {
      const part = obj(p);
      if (!part) continue;
      if (typeof part.text === "string") text += part.text;
      else if (part.functionCall !== undefined) text += JSON.stringify(part.functionCall);
    }
  }
  return text;
}

/**
 * streamGenerateContent?alt=sse: every chunk is a whole GenerateContentResponse whose usageMetadata holds
 * running totals, so the last one counts. Only chunks carrying usage are parsed, and only at the end.
 */
class GeminiStreamMeter implements StreamMeter {
  private lastUsageChunk: string | undefined;
  private error: string | undefined;
  /** the last two chunks: the finishReason arrives in the final chunk (or the one before a trailing one) */
  private last: string | undefined;
  private previous: string | undefined;
  private readonly chunks = new KeptText();
  private tokenSeen = false;
  private readonly grounding = new GroundingCounter();

  constructor(private readonly model: string | null) {}

  onEvent(_event: string | undefined, data: string | undefined): number {
    if (data === undefined) return PASS;
    if (data.lastIndexOf('"groundingMetadata"') !== -1) {
      const json = parseObject(data);
      if (json) this.grounding.add(json);
    }
    // Searched from the end: usageMetadata and finishReason sit late in a chunk (see hasObjectKeyNearEnd).
    if (hasObjectKeyNearEnd(data, '"usageMetadata":')) this.lastUsageChunk = data;
    this.previous = this.last;
    this.last = data;
    if (ERROR_CHUNK.test(data)) this.error = data;
    this.chunks.keep(data);
    if (!this.tokenSeen && data.includes('"text"')) {
      this.tokenSeen = true;
      return TOKEN;
    }
    return PASS;
  }

  facts(): ResponseFacts {
    const facts: ResponseFacts = {};
    const last = this.lastUsageChunk ? parseObject(this.lastUsageChunk) : undefined;
    if (last) responseFacts(last, facts);
    const finishChunk = [this.last, this.previous].find((chunk) => chunk !== undefined && chunk.includes('"finishReason"'));
    // Read from the chunk's text: the usage chunk's parse may have been another chunk's.
    delete facts.finishReasons;
    if (finishChunk !== undefined) {
      const reasons: string[] = [];
      scanStringValues(finishChunk, '"finishReason":', reasons);
      if (reasons.length > 0) facts.finishReasons = reasons;
    }
    if (finishChunk === undefined && facts.usage) {
      // Cut before the final chunk: the running output count is short; estimation completes it.
      facts.partialUsage = facts.usage;
      delete facts.usage;
    }
    const err = this.error ? parseObject(this.error) : undefined;
    if (err && obj(err.error)) responseFacts(err, facts);
    const fees = this.grounding.fees(facts.responseModel ?? this.model);
    if (fees) facts.fees = fees;
    return facts;
  }

  outputText(): string {
    return this.chunks.text(candidateText);
  }
}

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

function partsText(content: unknown): string {
  const parts = obj(content)?.parts;
  if (!Array.isArray(parts)) return "";
  return parts.map((p) => partText(obj(p) ?? {})).join("\n");
}

/** A part's text; a function call's or response's name and JSON (the model reads both). */
function partText(part: Record<string, unknown>): string {
  if (typeof part.text === "string") return part.text;
  const call = obj(part.functionCall ?? part.function_call) ?? obj(part.functionResponse ?? part.function_response);
  if (!call) return "";
  return (str(call.name) ?? "") + "\n" + JSON.stringify(call.args ?? call.response ?? null);
}

/** A request's function declarations (`tools[].functionDeclarations`) as JSON; "" without any. */
function declarationsText(tools: unknown): string {
  if (!Array.isArray(tools)) return "";
  const declarations: unknown[] = [];
  for (const t of tools) {
    const list = obj(t)?.functionDeclarations ?? obj(t)?.function_declarations;
    if (Array.isArray(list)) declarations.push(...list);
  }
  return declarations.length > 0 ? JSON.stringify(declarations) : "";
}

/** The top-level members an embeddings answer is metered by (errors are parsed whole). */
const EMBED_MEMBERS = ["usageMetadata", "modelVersion", "responseId", "error"];

/**
 * Facts of an embeddings answer from its bytes. The answer is almost all vectors (a batch of 100 texts at
 * 3,072 dimensions is ≈9 MB, ≈135 ms of JSON.parse on the event loop, measured), and metering needs only
 * usageMetadata, one small object beside them: only that is parsed (./json-cut.ts). Undefined, so the body
 * is parsed whole, when it is an error object or its members cannot be read cleanly.
 */
function embedFacts(body: Buffer): ResponseFacts | undefined {
  const top = readTopLevel(body, EMBED_MEMBERS);
  if (!top || top.error !== undefined || (top.usageMetadata !== undefined && !obj(top.usageMetadata))) return undefined;
  const facts: ResponseFacts = {};
  responseFacts(top, facts);
  return facts;
}

/**
 * The texts an embeddings request embeds (each request's title and content), for estimating its input when
 * the answer carries no usageMetadata. Estimated rather than left without tokens: Google bills embeddings by
 * input token (gemini-embedding-001 at $0.15 per 1M), so "none" would show spend that happened as $0 on
 * every report; the local tokenizer is not Gemini's, so the count is approximate, and the call says so
 * (usageSource "estimated"), as generateContent calls without usage do. No messages: no chat overhead.
 */
function embedInputText(json: Record<string, unknown>): { text: string; messages: number } {
  const requests = Array.isArray(json.requests) ? json.requests : [json];
  let text = "";
  for (const r of requests) {
    const request = obj(r);
    if (!request) continue;
    const title = str(request.title);
    text += (title ? title + "\n" : "") + partsText(request.content) + "\n";
  }
  return { text, messages: 0 };
}

export const gemini: ProviderAdapter = {
  format: "gemini",
  auth: { header: "x-goog-api-key" },
  maxOutputFields: ["generationConfig.maxOutputTokens"],

  /** The model is in the path; the API key (`?key=` or x-goog-api-key) is forwarded and never read. */
  inspect(req: ParsedRequest): RequestInfo {
    const m = METHOD_PATH.exec(req.path);
    if (!m) return { endpoint: req.path, metered: false, model: null, stream: false, deployment: null };
    const method = m[2]!;
    const metered = METERED.has(method) && req.method === "POST";
    let model: string;
    try {
      model = decodeURIComponent(m[1]!);
    } catch {
      model = m[1]!;
    }
    return { endpoint: method, metered, model, stream: method === "streamGenerateContent", deployment: null };
  },

  factsFromJson(info, json) {
    const facts: ResponseFacts = {};
    const grounding = new GroundingCounter();
    // streamGenerateContent without alt=sse answers one JSON array of chunks: the last usage counts.
    const items = Array.isArray(json) ? json : [json];
    let text = "";
    for (const item of items) {
      const body = obj(item);
      if (!body) continue;
      responseFacts(body, facts);
      grounding.add(body);
      text += candidateText(body);
    }
    const fees = grounding.fees(facts.responseModel ?? info.model);
    if (fees) facts.fees = fees;
    if (!facts.usage && !facts.errorType) facts.outputText = text;
    return facts;
  },

  factsFromBody: (info, body) => (EMBED.has(info.endpoint) ? embedFacts(body) : undefined),

  createStreamMeter: (info) => new GeminiStreamMeter(info.model),

  requestIdHeaders: ["x-request-id"],

  errorBody(_type, message, status) {
    return JSON.stringify({ error: { code: status, message, status: STATUS_NAMES[status] ?? "INTERNAL" } });
  },

  inputText(json, info) {
    if (EMBED.has(info.endpoint)) return embedInputText(json);
    const contents = Array.isArray(json.contents) ? json.contents : [];
    let text = partsText(json.systemInstruction ?? json.system_instruction);
    for (const c of contents) {
      const content = obj(c);
      if (content) text += "\n" + (str(content.role) ?? "") + "\n" + partsText(content);
    }
    // No published rule for how Gemini shows declarations to the model: their JSON approximates them.
    const declarations = declarationsText(json.tools);
    if (declarations) text += "\n" + declarations;
    return { text, messages: contents.length };
  },
};

import { usage, type Usage } from "../../domain/usage.ts";
import { FEE_KINDS } from "../../pricing/fee-price-row.ts";
import type { FeeCount } from "../../domain/fee.ts";
import { batchEvent } from "../batches/batch-event.ts";
import { anthropicBatchPath } from "../batches/batch-paths.ts";
import { anthropicResultsUrlRewrite } from "../batches/results-url.ts";
import { KeptText, n, obj, parseObject, str } from "../json.ts";
import { PASS, TOKEN, type ParsedRequest, type ProviderAdapter, type RequestInfo, type ResponseFacts, type StreamMeter } from "../types.ts";

/**
 * Normalizes Anthropic's usage. `input_tokens` excludes cache reads and writes, so the billed input is the
 * sum of the three; the write total is split into 5-minute and 1-hour writes in `cache_creation`.
 * `output_tokens` includes thinking, broken out in `output_tokens_details.thinking_tokens`.
 */
export function normalizeAnthropicUsage(u: Record<string, unknown>): Usage {
  const read = n(u.cache_read_input_tokens);
  const creation = obj(u.cache_creation);
  const writes5m = n(creation?.ephemeral_5m_input_tokens);
  const writes1h = n(creation?.ephemeral_1h_input_tokens);
  const writes = n(u.cache_creation_input_tokens) || writes5m + writes1h;
  return usage({
    inputTokens: n(u.input_tokens) + read + writes,
    cachedInputTokens: read,
    cacheWriteTokens: writes,
    cacheWrite1hTokens: Math.min(writes1h, writes),
    outputTokens: n(u.output_tokens),
    reasoningTokens: n(obj(u.output_tokens_details)?.thinking_tokens),
  });
}

/** {type:"error", error:{type, message}} — the body of an error status and of an in-stream `event: error`. */
function errorFacts(json: Record<string, unknown>): ResponseFacts {
  const err = obj(json.error);
  if (!err) return {};
  return { errorType: str(err.type) ?? "error", errorMessage: str(err.message) };
}

/**
 * Server tools' fees: `usage.server_tool_use` counts web searches ($10 per 1,000) and web fetches (tokens
 * only). Code execution is billed by container time, which no response reports: a call that ran it carries
 * a code_execution fee of unknown count.
 */
export function anthropicFees(rawUsage: Record<string, unknown>, ranCodeExecution: boolean): FeeCount[] | undefined {
  const fees: FeeCount[] = [];
  const server = obj(rawUsage.server_tool_use);
  if (server) {
    const searches = n(server.web_search_requests);
    const fetches = n(server.web_fetch_requests);
    if (searches > 0) fees.push({ kind: FEE_KINDS.webSearch, count: searches });
    if (fetches > 0) fees.push({ kind: FEE_KINDS.webFetch, count: fetches });
  }
  if (ranCodeExecution) fees.push({ kind: FEE_KINDS.codeExecution, count: null });
  return fees.length > 0 ? fees : undefined;
}

/** A server_tool_use block of the code execution tool (`code_execution`, `bash_code_execution`, …). */
function isCodeExecution(block: Record<string, unknown> | undefined): boolean {
  return block?.type === "server_tool_use" && (str(block.name) ?? "").includes("code_execution");
}

function usageFacts(facts: ResponseFacts, rawUsage: Record<string, unknown>, ranCodeExecution = false): void {
  facts.usage = normalizeAnthropicUsage(rawUsage);
  const tier = str(rawUsage.service_tier);
  if (tier) facts.serviceTier = tier;
  const fees = anthropicFees(rawUsage, ranCodeExecution);
  if (fees) facts.fees = fees;
}

function blockText(block: Record<string, unknown>): string {
  if (typeof block.text === "string") return block.text;
  if (typeof block.thinking === "string") return block.thinking;
  if (block.input !== undefined) {
    // tool_use (and server_tool_use): the tool's name and its input
    const name = str(block.name);
    return (name ? name + "\n" : "") + JSON.stringify(block.input);
  }
  const content = block.content;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((c) => blockText(obj(c) ?? {})).join("\n");
  return "";
}

/**
 * Tokens of the system prompt Anthropic adds to every request with tools, by model and tool_choice
 * ([auto or none, any or tool]). Anthropic's "Tool use pricing and tokens" page: Claude 3 Opus 530/281,
 * Claude 3 Sonnet 159/235, Claude 3 Haiku 264/340; for the Claude 4 family (and 3.7) its current table reads
 * 346/313, a figure seen here only as cited by third parties (claudecodeguides.com), not in a stored copy of
 * the page. Claude 3.5 Haiku is taken as Claude 3 Haiku.
 */
const TOOL_USE_PROMPT_TOKENS: ReadonlyArray<readonly [string, number, number]> = [
  ["claude-3-opus", 530, 281],
  ["claude-3-sonnet", 159, 235],
  ["claude-3-haiku", 264, 340],
  ["claude-3-5-haiku", 264, 340],
];

export function toolUsePromptTokens(model: string | null, toolChoice: string | undefined): number {
  const lower = (model ?? "").toLowerCase();
  const name = lower.slice(Math.max(0, lower.indexOf("claude"))); // "us.anthropic.claude-…", "…/claude-…@…"
  const [, auto, forced] = TOOL_USE_PROMPT_TOKENS.find(([prefix]) => name.startsWith(prefix)) ?? ["", 346, 313];
  return toolChoice === "any" || toolChoice === "tool" ? forced : auto;
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((c) => blockText(obj(c) ?? {})).join("\n");
}

/** Messages-API streams: usage in message_start, cumulative counts in message_delta (overwritten, never added). */
class AnthropicStreamMeter implements StreamMeter {
  private readonly facts_: ResponseFacts = {};
  private rawUsage: Record<string, unknown> | undefined;
  /** message_delta carries the final counts; before it, message_start's output count is a placeholder */
  private final = false;
  private readonly deltas = new KeptText();
  private tokenSeen = false;
  private ranCodeExecution = false;

  onEvent(event: string | undefined, data: string | undefined): number {
    if (data === undefined) return PASS;
    const type = event ?? /"type":\s*"([^"]+)"/.exec(data)?.[1];
    if (type === "content_block_start") {
      if (!this.ranCodeExecution && data.includes("code_execution"))
        this.ranCodeExecution = isCodeExecution(obj(parseObject(data)?.content_block));
      return PASS;
    }
    if (type === "content_block_delta") {
      // The hot event: kept as text and parsed only if an estimate is ever needed.
      this.deltas.keep(data);
      if (this.tokenSeen) return PASS;
      this.tokenSeen = true;
      return TOKEN;
    }
    if (type === "message_start") {
      const message = obj(parseObject(data)?.message);
      if (!message) return PASS;
      const model = str(message.model);
      if (model) this.facts_.responseModel = model;
      const u = obj(message.usage);
      if (u) this.mergeUsage(u);
    } else if (type === "message_delta") {
      const json = parseObject(data);
      const reason = str(obj(json?.delta)?.stop_reason);
      if (reason) this.facts_.finishReasons = [reason];
      const u = obj(json?.usage);
      if (u) {
        this.mergeUsage(u);
        this.final = true;
      }
    } else if (type === "error") {
      const json = parseObject(data);
      if (json) Object.assign(this.facts_, errorFacts(json));
    }
    return PASS;
  }

  /** Later counts replace earlier ones field by field; null fields (not reported in this event) are skipped. */
  private mergeUsage(u: Record<string, unknown>): void {
    this.rawUsage ??= {};
    for (const [k, v] of Object.entries(u)) if (v !== null && v !== undefined) this.rawUsage[k] = v;
  }

  facts(): ResponseFacts {
    if (this.rawUsage) {
      usageFacts(this.facts_, this.rawUsage, this.ranCodeExecution);
      if (!this.final) {
        // Cut before message_delta: input counts are known, output is not.
        this.facts_.partialUsage = this.facts_.usage;
        delete this.facts_.usage;
      }
    }
    return this.facts_;
  }

  outputText(): string {
    return this.deltas.text((json) => {
      const delta = obj(json.delta);
      return str(delta?.text) ?? str(delta?.thinking) ?? str(delta?.partial_json) ?? "";
    });
  }
}

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  504: "timeout_error",
  529: "overloaded_error",
};

export const anthropic: ProviderAdapter = {
  format: "anthropic",
  auth: { header: "x-api-key" },
  maxOutputFields: ["max_tokens"],

  inspect(req: ParsedRequest): RequestInfo {
    const json = req.json;
    const messages = req.path.endsWith("/messages");
    // count_tokens is free: forwarded and recorded, not metered.
    const endpoint = messages ? "messages" : req.path.endsWith("/messages/count_tokens") ? "messages.count_tokens" : req.path;
    const info: RequestInfo = {
      endpoint,
      metered: messages && req.method === "POST",
      model: str(json?.model) ?? null,
      stream: json?.stream === true,
      deployment: null,
    };
    const batch = messages ? null : anthropicBatchPath(req.method, req.path);
    if (batch) info.batch = batch;
    return info;
  },

  factsFromJson(_info, json) {
    const body = obj(json);
    if (!body) return {};
    if (body.type === "error") return errorFacts(body);
    const facts: ResponseFacts = {};
    const model = str(body.model);
    if (model) facts.responseModel = model;
    const reason = str(body.stop_reason);
    if (reason) facts.finishReasons = [reason];
    const u = obj(body.usage);
    const ranCodeExecution = Array.isArray(body.content) && body.content.some((b) => isCodeExecution(obj(b)));
    if (u) usageFacts(facts, u, ranCodeExecution);
    else facts.outputText = contentText(body.content);
    return facts;
  },

  factsFromBody: (info, body) => (info.batch ? { batch: batchEvent("anthropic", info.batch, body) } : undefined),

  rewriteAnswer: anthropicResultsUrlRewrite,

  createStreamMeter: () => new AnthropicStreamMeter(),

  requestIdHeaders: ["request-id"],

  errorBody(_type, message, status) {
    return JSON.stringify({ type: "error", error: { type: ERROR_TYPES[status] ?? "api_error", message } });
  },

  /**
   * System, messages (text, tool_use names and inputs, tool_result contents) and the tools as JSON; with
   * tools, the tool-use system prompt Anthropic adds (toolUsePromptTokens).
   */
  inputText(json, info) {
    const messages = Array.isArray(json.messages) ? json.messages : [];
    let text = contentText(json.system);
    for (const m of messages) {
      const message = obj(m);
      if (message) text += "\n" + (str(message.role) ?? "") + "\n" + contentText(message.content);
    }
    if (!Array.isArray(json.tools) || json.tools.length === 0) return { text, messages: messages.length };
    text += "\n" + JSON.stringify(json.tools);
    return { text, messages: messages.length, extraTokens: toolUsePromptTokens(info.model, str(obj(json.tool_choice)?.type)) };
  },
};

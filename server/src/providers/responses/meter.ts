import { usage, type Usage } from "../../domain/usage.ts";
import { FEE_KINDS } from "../../pricing/fee-price-row.ts";
import type { FeeCount } from "../../domain/fee.ts";
import { KeptText, n, obj, parseObject, str } from "../json.ts";
import { PASS, TOKEN, type ResponseFacts, type StreamMeter } from "../types.ts";

/** OpenAI's Responses API (`POST /v1/responses`), JSON and SSE; used by the openai and azure adapters. */

/** Normalizes the Responses API's usage (input_tokens includes cached; output_tokens includes reasoning). */
export function normalizeResponsesUsage(u: Record<string, unknown>): Usage {
  const input = obj(u.input_tokens_details);
  const output = obj(u.output_tokens_details);
  return usage({
    inputTokens: n(u.input_tokens),
    cachedInputTokens: n(input?.cached_tokens),
    cacheWriteTokens: n(input?.cache_write_tokens),
    outputTokens: n(u.output_tokens),
    reasoningTokens: n(output?.reasoning_tokens),
  });
}

/**
 * Tool calls billed per call, counted from the response's output items: `web_search_call` (web search)
 * and `file_search_call` (file search). `code_interpreter_call` is billed per container session, which the
 * items do not tell apart from reuse of a container: its count is unknown.
 */
export function responsesFees(output: unknown): FeeCount[] | undefined {
  if (!Array.isArray(output)) return undefined;
  let searches = 0;
  let fileSearches = 0;
  let codeInterpreter = false;
  for (const item of output) {
    const type = obj(item)?.type;
    if (type === "web_search_call") searches += 1;
    else if (type === "file_search_call") fileSearches += 1;
    else if (type === "code_interpreter_call") codeInterpreter = true;
  }
  const fees: FeeCount[] = [];
  if (searches > 0) fees.push({ kind: FEE_KINDS.webSearch, count: searches });
  if (fileSearches > 0) fees.push({ kind: FEE_KINDS.fileSearch, count: fileSearches });
  if (codeInterpreter) fees.push({ kind: FEE_KINDS.codeInterpreter, count: null });
  return fees.length > 0 ? fees : undefined;
}

/** Facts of a Response object (a JSON body, or the `response` of a stream's created/terminal event). */
export function responsesFacts(response: Record<string, unknown>): ResponseFacts {
  const facts: ResponseFacts = { responseModel: str(response.model), serviceTier: str(response.service_tier) };
  const u = obj(response.usage);
  if (u) facts.usage = normalizeResponsesUsage(u);
  facts.fees = responsesFees(response.output);
  const reason = finishReason(response);
  if (reason) facts.finishReasons = [reason];
  const err = obj(response.error);
  if (err) {
    facts.errorType = str(err.code) ?? str(err.type);
    facts.errorMessage = str(err.message);
  }
  return facts;
}

/**
 * A Response's finish reason: why it is incomplete (`incomplete_details.reason`: "max_output_tokens",
 * "content_filter"), else its terminal `status` ("completed", "failed", "cancelled"); none while it runs.
 */
function finishReason(response: Record<string, unknown>): string | undefined {
  const status = str(response.status);
  if (status === "in_progress" || status === "queued") return undefined;
  return str(obj(response.incomplete_details)?.reason) ?? status;
}

/** Responses API streams: typed events; usage in the terminal response.completed/incomplete/failed. */
export class ResponsesStreamMeter implements StreamMeter {
  private readonly facts_: ResponseFacts = {};
  private readonly deltas = new KeptText();
  private tokenSeen = false;

  onEvent(event: string | undefined, data: string | undefined): number {
    if (data === undefined) return PASS;
    const type = event ?? /"type":\s*"([^"]+)"/.exec(data)?.[1];
    if (
      type === "response.output_text.delta" ||
      type === "response.reasoning_summary_text.delta" ||
      type === "response.reasoning_text.delta" ||
      type === "response.function_call_arguments.delta" ||
      type === "response.refusal.delta"
    ) {
      // The hot events: kept as text, parsed only if an estimate is ever needed.
      this.deltas.keep(data);
      if (this.tokenSeen) return PASS;
      this.tokenSeen = true;
      return TOKEN;
    }
    if (type === "response.completed" || type === "response.incomplete" || type === "response.failed" || type === "response.created") {
      const response = obj(parseObject(data)?.response);
      if (response) Object.assign(this.facts_, stripUndefined(responsesFacts(response)));
    } else if (type === "error") {
      const json = parseObject(data);
      if (json) {
        this.facts_.errorType = str(json.code) ?? str(obj(json.error)?.code) ?? str(obj(json.error)?.type) ?? "error";
        this.facts_.errorMessage = str(json.message) ?? str(obj(json.error)?.message);
      }
    }
    return PASS;
  }
  facts(): ResponseFacts {
    return this.facts_;
  }
  outputText(): string {
    return this.deltas.text((json) => str(json.delta) ?? "");
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

import { usage } from "../../domain/usage.ts";
import { ERROR_CHUNK, KeptText, n, obj, parseObject, str } from "../json.ts";
import { chatInputText } from "../openai/input.ts";
import { PASS, TOKEN, type ParsedRequest, type ProviderAdapter, type RequestInfo, type ResponseFacts, type StreamMeter } from "../types.ts";

/**
 * Ollama's native API (ollama/ollama docs/api.md, docs/api/{usage,streaming,errors}.mdx, docs/openapi.yaml),
 * served beside its OpenAI-compatible /v1 on the same host. Chat and generate stream by default, as NDJSON
 * (`application/x-ndjson`): one object per line, the last with `"done": true` and the counts
 * (`prompt_eval_count` input, `eval_count` output — thinking included; durations in nanoseconds, not
 * recorded). `stream: false` gives that final object alone. Embed answers one object with
 * `prompt_eval_count`. Errors are `{"error": "message"}`, with a status, or as a line mid-stream.
 */
const ROUTES: ReadonlyMap<string, string> = new Map([
  ["/api/chat", "chat"],
  ["/api/generate", "generate"],
  ["/api/embed", "embed"],
]);

/** Usage from a final object (`done: true`) or an embed response; counts Ollama omits (it drops zeros) read as 0. */
function countFacts(json: Record<string, unknown>, facts: ResponseFacts): void {
  const model = str(json.model);
  if (model) facts.responseModel = model;
  const reason = str(json.done_reason);
  if (reason) facts.finishReasons = [reason];
  // Newer servers add the part of the prompt read from the KV cache (a subset of prompt_eval_count).
  facts.usage = usage({
    inputTokens: n(json.prompt_eval_count),
    cachedInputTokens: n(json.prompt_eval_cached_count),
    outputTokens: n(json.eval_count),
  });
}

function errorFacts(json: Record<string, unknown>): ResponseFacts {
  const err = json.error;
  if (typeof err === "string") return { errorType: "error", errorMessage: err };
  // Ollama's own errors are plain strings; an OpenAI-shaped one (a proxy in between) still reads.
  const o = obj(err);
  return { errorType: str(o?.type) ?? str(o?.code) ?? "error", errorMessage: str(o?.message) };
}

/** The generated text of one object: chat's message content, thinking and tool calls; generate's response and thinking. */
function objectText(json: Record<string, unknown>): string {
  const message = obj(json.message);
  if (!message) return (str(json.thinking) ?? "") + (str(json.response) ?? "");
  let text = (str(message.thinking) ?? "") + (str(message.content) ?? "");
  if (Array.isArray(message.tool_calls)) text += JSON.stringify(message.tool_calls);
  return text;
}

/** The final object, found without a parse on the lines before it (Go's encoder writes `"done":false`). */
const DONE = /"done"\s*:\s*true/;
/** A line carrying generated text, a thinking trace or a tool call: the stream's first token. */
const CONTENT = /"(content|response|thinking)":\s*"[^"]|"tool_calls":\s*\[\s*\{/;

/**
 * A chat or generate NDJSON stream: content lines are kept as text (parsed only if an estimate needs them);
 * the final `done` line and error lines are parsed.
 */
class OllamaStreamMeter implements StreamMeter {
  private readonly facts_: ResponseFacts = {};
  private readonly lines = new KeptText();
  private tokenSeen = false;

  onEvent(_event: string | undefined, line: string | undefined): number {
    if (line === undefined) return PASS;
    let verdict = PASS;
    if (!this.tokenSeen && CONTENT.test(line)) {
      this.tokenSeen = true;
      verdict = TOKEN;
    }
    const error = ERROR_CHUNK.test(line);
    if (!error && !DONE.test(line)) {
      this.lines.keep(line);
      return verdict;
    }
    const json = parseObject(line);
    if (!json) return verdict;
    if (error) Object.assign(this.facts_, errorFacts(json));
    else {
      countFacts(json, this.facts_);
      this.lines.keep(line);
    }
    return verdict;
  }

  facts(): ResponseFacts {
    if (this.facts_.responseModel === undefined) {
      const first = this.lines.all[0];
      const model = first === undefined ? undefined : /"model":\s*"([^"]+)"/.exec(first)?.[1];
      if (model) this.facts_.responseModel = model;
    }
    return this.facts_;
  }

  outputText(): string {
    return this.lines.text(objectText);
  }
}

/** A generate request's input as the model reads it: system prompt, prompt and (fill-in-the-middle) suffix. */
function generateInputText(json: Record<string, unknown>): { text: string; messages: number } {
  const text = [json.system, json.prompt, json.suffix].filter((v): v is string => typeof v === "string").join("\n");
  return { text, messages: 0 };
}

/** Embed's input: one text or a list of texts, no messages. */
function embedInputText(json: Record<string, unknown>): { text: string; messages: number } {
  const input = json.input;
  const texts = Array.isArray(input) ? input : [input];
  return { text: texts.filter((v): v is string => typeof v === "string").join("\n"), messages: 0 };
}

export const ollama: ProviderAdapter = {
  format: "ollama",
  ndjson: true,
  beside: { format: "openai", claims: (path) => ROUTES.has(path), endpoints: [...ROUTES.values()] },
  // what an OpenAI-compatible host in front of Ollama takes
  auth: { header: "authorization", prefix: "Bearer " },
  maxOutputFields: ["options.num_predict"],

  inspect(req: ParsedRequest): RequestInfo {
    const endpoint = ROUTES.get(req.path);
    const json = req.json;
    return {
      endpoint: endpoint ?? req.path,
      metered: endpoint !== undefined && req.method === "POST",
      model: str(json?.model) ?? null,
      // Chat and generate stream unless told not to; embed never streams.
      stream: endpoint !== undefined && endpoint !== "embed" && json?.stream !== false,
      deployment: null,
    };
  },

  factsFromJson(info, json) {
    const body = obj(json);
    if (!body) return {};
    if (body.error !== undefined) return errorFacts(body);
    if (body.done !== true && info.endpoint !== "embed") return { responseModel: str(body.model) };
    // An older server's embed response has no counts: leave it to the estimate rather than record 0.
    if (info.endpoint === "embed" && typeof body.prompt_eval_count !== "number") return { responseModel: str(body.model) };
    const facts: ResponseFacts = {};
    countFacts(body, facts);
    return facts;
  },

  createStreamMeter: () => new OllamaStreamMeter(),

  requestIdHeaders: ["x-request-id"],

  errorBody(_type, message) {
    return JSON.stringify({ error: message });
  },

  inputText(json, info) {
    if (info.endpoint === "generate") return generateInputText(json);
    if (info.endpoint === "embed") return embedInputText(json);
    return chatInputText(json, info);
  },
};

import { str } from "../json.ts";
import { chatInputText } from "../openai/input.ts";
import { openai } from "../openai/adapter.ts";
import type { ParsedRequest, ProviderAdapter, RequestInfo } from "../types.ts";

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  413: "invalid_request_error",
  429: "rate_limit_error",
};

/** Codestral's fill-in-the-middle endpoint, and the endpoint name its calls are recorded under. */
const FIM_PATH = "/fim/completions";
export const FIM_ENDPOINT = "fim.completions";

/**
 * Mistral speaks OpenAI's chat and embeddings formats, usage included (its final stream chunk always carries
 * usage), with two differences that matter here: it rejects fields it does not know (HTTP 422
 * `extra_forbidden`), so the request is never rewritten to ask for stream usage; and its errors are flat,
 * `{"object":"error","message","type","param","code"}`.
 *
 * FIM (`POST /v1/fim/completions`, Codestral) takes `{model, prompt, suffix?, stream?, …}` and answers in
 * the chat-completion shape: `FIMCompletionResponse {id, object, model, usage, created, choices[].message}`,
 * and when streamed, `CompletionChunk`s with `choices[].delta` whose last one carries `usage`, then
 * `data: [DONE]` (@mistralai/mistralai 2.7.0 `src/models/components/fimcompletionresponse.ts`,
 * `completionchunk.ts`, `src/funcs/fimStream.ts`). So the chat meter reads it as is.
 */
export const mistral: ProviderAdapter = {
  ...openai,
  format: "mistral",
  prepareBody: undefined,

  inspect(req: ParsedRequest): RequestInfo {
    if (!req.path.endsWith(FIM_PATH)) return openai.inspect(req);
    const json = req.json;
    return {
      endpoint: FIM_ENDPOINT,
      metered: req.method === "POST",
      model: str(json?.model) ?? null,
      stream: json?.stream === true,
      deployment: null,
    };
  },

  requestIdHeaders: ["x-request-id", "mistral-correlation-id", "x-kong-request-id"],
  errorBody(type, message, status) {
    return JSON.stringify({
      object: "error",
      message,
      type: ERROR_TYPES[status] ?? (status >= 500 ? "server_error" : type),
      param: null,
      code: String(status),
    });
  },

  /** FIM's input is the code before and after the gap (no messages, so no per-message overhead). */
  inputText(json, info) {
    if (info.endpoint !== FIM_ENDPOINT) return chatInputText(json, info);
    return { text: (str(json.prompt) ?? "") + "\n" + (str(json.suffix) ?? ""), messages: 0 };
  },
};

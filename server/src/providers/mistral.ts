import { openai } from "./openai.ts";
import type { ProviderAdapter } from "./types.ts";

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  413: "invalid_request_error",
  429: "rate_limit_error",
};

/**
 * Mistral speaks OpenAI's chat and embeddings formats, usage included (its final stream chunk always carries
 * usage), with two differences that matter here: it rejects fields it does not know (HTTP 422
 * `extra_forbidden`), so the request is never rewritten to ask for stream usage; and its errors are flat,
 * `{"object":"error","message","type","param","code"}`.
 */
export const mistral: ProviderAdapter = {
  ...openai,
  format: "mistral",
  prepareBody: undefined,
  requestIdHeaders: ["x-request-id", "mistral-correlation-id", "x-kong-request-id"],
  errorBody(type, message, status) {
    return JSON.stringify({ object: "error", message, type: ERROR_TYPES[status] ?? (status >= 500 ? "server_error" : type), param: null, code: String(status) });
  },
};

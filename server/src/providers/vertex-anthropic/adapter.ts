import { anthropic } from "../anthropic/adapter.ts";
import { obj, str } from "../json.ts";
import type { ParsedRequest, ProviderAdapter, RequestInfo, ResponseFacts } from "../types.ts";

/**
 * Claude on Google Vertex AI, as @anthropic-ai/vertex-sdk calls it (anthropics/anthropic-sdk-typescript,
 * packages/vertex-sdk/src/client.ts): under a base URL of `https://{region}-aiplatform.googleapis.com/v1`
 * (`https://aiplatform.googleapis.com/v1` for region `global`, `aiplatform.{us,eu}.rep.googleapis.com/v1`
 * for the multi-regions), `POST /v1/messages` becomes
 * `/v1/projects/{project}/locations/{region}/publishers/anthropic/models/{model}:rawPredict`, or
 * `:streamRawPredict` when the body says `stream: true`; the body is the Messages body without `model` and
 * with `anthropic_version: "vertex-2023-10-16"`. Answers, stream events and usage are Anthropic's own, so
 * they are read by ../anthropic/adapter.ts. `POST /v1/messages/count_tokens` becomes `…/models/count-tokens:rawPredict`
 * (its body keeps `model`): free, forwarded unmetered.
 *
 * These paths arrive on a Gemini-format provider (the Vertex host serves Gemini and partner models alike);
 * the registry hands them here (see ../index.ts). Prices are Anthropic's (`priceProvider`).
 */
const METHOD_PATH = /\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;
const COUNT_TOKENS = "count-tokens";

/**
 * Errors come in Anthropic's shape from the model (`{type: "error", error: {type, message}}`) or in
 * Google's from Vertex itself (`{error: {code, message, status}}`: auth, quota, unknown model).
 */
function errorFacts(err: Record<string, unknown>): ResponseFacts {
  const type = str(err.type) ?? str(err.status) ?? (err.code !== undefined ? String(err.code) : "error");
  return { errorType: type, errorMessage: str(err.message) };
}

export const vertexAnthropic: ProviderAdapter = {
  ...anthropic,
  format: "vertex-anthropic",
  priceProvider: "anthropic",

  beside: {
    format: "gemini",
    /** Cheap enough for every Gemini-format call: a substring test, no regex, no allocation. */
    claims: (path) => path.includes("/publishers/anthropic/"),
    endpoints: ["messages", "messages.count_tokens"],
  },

  inspect(req: ParsedRequest): RequestInfo {
    const m = METHOD_PATH.exec(req.path);
    if (!m) return { endpoint: req.path, metered: false, model: null, stream: false, deployment: null };
    let model: string;
    try {
      model = decodeURIComponent(m[1]!);
    } catch {
      model = m[1]!;
    }
    if (model === COUNT_TOKENS) {
      return { endpoint: "messages.count_tokens", metered: false, model: str(req.json?.model) ?? null, stream: false, deployment: null };
    }
    const stream = m[2] === "streamRawPredict" || req.json?.stream === true;
    return { endpoint: "messages", metered: req.method === "POST", model, stream, deployment: null };
  },

  factsFromJson(info, json) {
    const body = obj(json);
    const err = body && body.type !== "message" ? obj(body.error) : undefined;
    if (err) return errorFacts(err);
    return anthropic.factsFromJson(info, json);
  },

  requestIdHeaders: ["request-id", "x-request-id"],
};

import { openai } from "../openai/adapter.ts";
import type { ParsedRequest, ProviderAdapter, RequestInfo } from "../types.ts";

const V1_PATH = /^\/openai\/v1\//;
/** The first dated api-version that accepts `stream_options` (2024-09-01-preview; GA 2024-10-21). */
const STREAM_OPTIONS_SINCE = "2024-09-01";

/**
 * Azure OpenAI: OpenAI's wire format on a deployment. Dated routes name the deployment in the path
 * (`/openai/deployments/{d}/chat/completions?api-version=…`); v1 routes (`/openai/v1/…`) name it in the
 * body's `model`. Either way the deployment is kept in `deployment`, and the real model comes from the
 * response (`model: "gpt-4o-2024-11-20"`), which is what prices the call. The `api-key` header is forwarded
 * as is.
 */
export const azure: ProviderAdapter = {
  ...openai,
  format: "azure",
  auth: { header: "api-key" },

  inspect(req: ParsedRequest): RequestInfo {
    const info = openai.inspect(req);
    const apiVersion = req.query ? new URLSearchParams(req.query).get("api-version") : null;
    if (apiVersion) info.apiVersion = apiVersion;
    if (info.deployment) return { ...info, model: info.model ?? info.deployment };
    if (V1_PATH.test(req.path) && info.model) return { ...info, deployment: info.model };
    return info;
  },

  /** Asks for stream usage only where the api-version accepts it; older ones answer 400 to the field. */
  prepareBody(info, body, json) {
    const version = info.apiVersion;
    if (version && /^\d{4}-\d{2}-\d{2}/.test(version) && version < STREAM_OPTIONS_SINCE) return undefined;
    return openai.prepareBody?.(info, body, json);
  },
};

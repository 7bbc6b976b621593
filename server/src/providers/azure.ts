import { openai } from "./openai.ts";
import type { ParsedRequest, ProviderAdapter, RequestInfo } from "./types.ts";

const V1_PATH = /^\/openai\/v1\//;

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
  inspect(req: ParsedRequest): RequestInfo {
    const info = openai.inspect(req);
    if (info.deployment) return { ...info, model: info.model ?? info.deployment };
    if (V1_PATH.test(req.path) && info.model) return { ...info, deployment: info.model };
    return info;
  },
};

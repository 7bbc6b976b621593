/** The Bedrock Runtime operations Tollgate meters, by the last segment of `/model/{modelId}/…`. */
export const OPERATIONS = {
  converse: { endpoint: "converse", stream: false },
  "converse-stream": { endpoint: "converse", stream: true },
  invoke: { endpoint: "invoke", stream: false },
  "invoke-with-response-stream": { endpoint: "invoke", stream: true },
} as const;

export type Operation = keyof typeof OPERATIONS;

export interface BedrockPath {
  operation: Operation;
  /** the model id as Bedrock reads it: the path segment, percent-decoded once */
  modelId: string;
}

const PATH = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/;
/** what a decoded model id may hold: ids, inference-profile ids and ARNs (`arn:aws:bedrock:…:inference-profile/…`) */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;

/**
 * Reads `/model/{modelId}/{operation}`. The SDKs percent-encode the model id (`:` as `%3A`, an ARN's `/` as
 * `%2F`); Bedrock decodes it once, and so does this. Anything else (double escapes, unexpected characters)
 * is null: forwarded unmetered, and refused under a virtual key.
 */
export function parseBedrockPath(path: string): BedrockPath | null {
  const m = PATH.exec(path);
  if (!m) return null;
  let modelId: string;
  try {
    modelId = decodeURIComponent(m[1] as string);
  } catch {
    return null;
  }
  if (!MODEL_ID.test(modelId) || modelId.includes("..")) return null;
  return { operation: m[2] as Operation, modelId };
}

/** Model families whose InvokeModel bodies Tollgate reads. */
export type Family = "anthropic" | "amazon" | "meta" | "mistral" | "other";

/**
 * The family of a model id: the part before the first dot after an optional cross-region inference profile
 * prefix (`us.`, `eu.`, `apac.`, `global.`…) and an ARN's resource path. `us.anthropic.claude-3-5-sonnet-…`
 * is anthropic, `amazon.nova-pro-v1:0` amazon.
 */
export function familyOf(modelId: string): Family {
  const base = modelId.slice(modelId.lastIndexOf("/") + 1);
  const parts = base.split(".");
  for (const part of parts.slice(0, 2)) {
    if (part === "anthropic" || part === "amazon" || part === "meta" || part === "mistral") return part;
  }
  return "other";
}

import { n, obj } from "../json.ts";
import type { ProviderAdapter, RequestInfo, ResponseFacts } from "../types.ts";
import { EventStreamDecoder } from "./eventstream.ts";
import { familyOf, OPERATIONS, parseBedrockPath } from "./model-id.ts";
import { signRequest } from "./signer.ts";
import { BedrockStreamMeter, EXCEPTION_PREFIX } from "./stream-meter.ts";
import { errorFacts, errorTypeName, nativeUsage, outputTextOf, converseUsage } from "./usage.ts";
import { usage } from "../../domain/usage.ts";

/** The exception Bedrock names for each status Tollgate answers itself. */
const EXCEPTIONS: Readonly<Record<number, string>> = {
  400: "ValidationException",
  401: "UnrecognizedClientException",
  403: "AccessDeniedException",
  404: "ResourceNotFoundException",
  413: "ValidationException",
  429: "ThrottlingException",
  503: "ServiceUnavailableException",
  504: "ModelTimeoutException",
};

function header(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if ((raw[i] as string).toLowerCase() === name) return raw[i + 1];
  return undefined;
}

/** Text fields of a Converse or native request body, for estimating input tokens when no usage came. */
function requestText(v: unknown, depth = 0): string {
  if (depth > 8) return "";
  if (Array.isArray(v)) return v.map((x) => requestText(x, depth + 1)).join("\n");
  const o = obj(v);
  if (!o) return "";
  let out = "";
  for (const key of ["system", "messages", "content", "text", "prompt", "inputText"]) {
    const value = o[key];
    if (typeof value === "string") out += value + "\n";
    else if (value !== undefined) out += requestText(value, depth + 1);
  }
  return out;
}

/**
 * AWS Bedrock Runtime: Converse and ConverseStream (`/model/{modelId}/converse[-stream]`), InvokeModel and
 * InvokeModelWithResponseStream (`/model/{modelId}/invoke[-with-response-stream]`). Streams use AWS's binary
 * event-stream encoding. Calls are priced under the route's own provider (the `bedrock` price rows, which
 * name models by their Bedrock ids, inference-profile prefixes included). A virtual key's calls are signed
 * with SigV4 using the AWS credentials Tollgate holds.
 */
export const bedrock: ProviderAdapter = {
  format: "bedrock",
  /**
   * A client's key (a Bedrock API key, or a virtual key) arrives as a bearer token; a virtual key may also be a
   * SigV4 access key id. Tollgate holds AWS credentials, not a key: its calls are signed (signRequest).
   */
  auth: { header: "authorization", prefix: "Bearer " },
  /** Converse's cap; InvokeModel bodies: Nova's, Anthropic's and Mistral's, Llama's */
  maxOutputFields: ["inferenceConfig.maxTokens", "inferenceConfig.max_new_tokens", "max_tokens", "max_gen_len"],

  inspect(req): RequestInfo {
    const parsed = req.method === "POST" ? parseBedrockPath(req.path) : null;
    if (!parsed) return { endpoint: req.path, metered: false, model: null, stream: false, deployment: null };
    const op = OPERATIONS[parsed.operation];
    return { endpoint: op.endpoint, metered: true, model: parsed.modelId, stream: op.stream, deployment: null, pathChecked: true };
  },

  factsFromJson(info, json): ResponseFacts {
    const body = obj(json);
    if (!body) return {};
    const facts: ResponseFacts = {};
    const u = obj(body.usage);
    const counted = info.endpoint === "converse" ? (u ? converseUsage(u) : undefined) : nativeUsage(familyOf(info.model ?? ""), body);
    if (counted) facts.usage = counted;
    const text = outputTextOf(body);
    if (!counted && text) facts.outputText = text;
    if (!counted && !text) Object.assign(facts, errorFacts(body));
    return facts;
  },

  headerFacts(_info, raw) {
    const facts: ResponseFacts = {};
    const type = header(raw, "x-amzn-errortype");
    if (type) facts.errorType = errorTypeName(type);
    const input = header(raw, "x-amzn-bedrock-input-token-count");
    const output = header(raw, "x-amzn-bedrock-output-token-count");
    if (input !== undefined || output !== undefined) {
      const read = n(Number(header(raw, "x-amzn-bedrock-cache-read-input-token-count")));
      const writes = n(Number(header(raw, "x-amzn-bedrock-cache-write-input-token-count")));
      facts.usage = usage({
        inputTokens: n(Number(input)) + read + writes,
        cachedInputTokens: read,
        cacheWriteTokens: writes,
        outputTokens: n(Number(output)),
      });
    }
    return facts.errorType || facts.usage ? facts : undefined;
  },

  createStreamMeter(info) {
    return new BedrockStreamMeter(familyOf(info.model ?? ""));
  },

  binaryStream: {
    contentType: "application/vnd.amazon.eventstream",
    parser(onEvent) {
      return new EventStreamDecoder(({ headers, payload }) => {
        const kind = headers[":message-type"];
        if (kind === "event") onEvent(headers[":event-type"] ?? "", payload.toString("utf8"));
        else if (kind === "exception") onEvent(EXCEPTION_PREFIX + (headers[":exception-type"] ?? "exception"), payload.toString("utf8"));
        else if (kind === "error")
          onEvent(EXCEPTION_PREFIX + (headers[":error-code"] ?? "error"), JSON.stringify({ message: headers[":error-message"] ?? "" }));
      });
    },
  },

  canSign(provider) {
    return provider.aws?.credentials !== undefined;
  },

  signRequest(provider, req) {
    if (!provider.aws) return Promise.reject(new Error(`provider "${provider.name}" has no AWS settings`));
    return signRequest(provider.aws, req);
  },

  requestIdHeaders: ["x-amzn-requestid"],

  errorBody(_type, message, status) {
    return JSON.stringify({ __type: EXCEPTIONS[status] ?? "InternalServerException", message });
  },

  inputText(json) {
    return { text: requestText(json).slice(0, 4_000_000), messages: Array.isArray(json.messages) ? json.messages.length : 0 };
  },
};

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { crc32 } from "node:zlib";
import { verifySigV4 } from "./sigv4-verify.ts";

/** The AWS credentials the fake accepts signatures from (Tollgate holds them), and a Bedrock API key. */
export const AWS_CREDENTIALS = { accessKeyId: "AKIAFAKEBEDROCK00001", secretAccessKey: "fake/bedrock+secret/key0123456789abcdefghij" };
export const BEDROCK_API_KEY = "ABSKZmFrZS1iZWRyb2NrLWFwaS1rZXk=";
export const REGION = "us-east-1";

export const CONVERSE_TEXT = ["Bonjour", " from", " Bedrock", "."];
/** Converse usage: inputTokens excludes the cache reads and writes. */
export const CONVERSE_USAGE = {
  inputTokens: 1200,
  outputTokens: 340,
  totalTokens: 3540,
  cacheReadInputTokens: 1500,
  cacheWriteInputTokens: 500,
};

export interface BedrockRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
  /** how the fake authenticated it */
  auth: "sigv4" | "bearer" | "refused";
}

export interface FakeBedrock {
  url: string;
  seen: BedrockRequest[];
  /** the response bodies the fake sent, whole, newest last */
  sent: Buffer[];
  close(): Promise<void>;
}

/**
 * A fake Bedrock Runtime: Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream as the API
 * reference describes them, streams in AWS's binary event-stream encoding (CRC32s included, messages split
 * across writes). Every request must carry a SigV4 signature by AWS_CREDENTIALS (checked here from AWS's
 * documented algorithm with node:crypto, not with a signing library) or the Bedrock API key as a bearer
 * token; anything else gets Bedrock's 403. The model id picks errors: `…throttled…` 429, `…invalid…` 400,
 * `…midstream…` a throttling exception inside a ConverseStream; `…held…` holds a stream after its first two
 * messages until releaseHeldStream() is called.
 */
export async function startFakeBedrock(): Promise<FakeBedrock> {
  const seen: BedrockRequest[] = [];
  const sent: Buffer[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      const auth = authenticate(req, body);
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, auth });
      void respond(req, res, body, auth, sent).catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    sent,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** A SigV4 signature by AWS_CREDENTIALS (checked independently, see sigv4-verify.ts), or the Bedrock API key. */
function authenticate(req: IncomingMessage, body: Buffer): BedrockRequest["auth"] {
  if (req.headers.authorization === `Bearer ${BEDROCK_API_KEY}`) return "bearer";
  return verifySigV4(req, body, { ...AWS_CREDENTIALS, region: REGION, service: "bedrock" }) ? "sigv4" : "refused";
}

// ---- the event-stream encoding ----

/** One event-stream message: string headers, the payload, both CRC32s. */
export function eventMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const encoded = Object.entries(headers).map(([name, value]) => {
    const n = Buffer.from(name, "utf8");
    const v = Buffer.from(value, "utf8");
    const out = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
    out.writeUInt8(n.length, 0);
    n.copy(out, 1);
    out.writeUInt8(7, 1 + n.length); // string
    out.writeUInt16BE(v.length, 2 + n.length);
    v.copy(out, 4 + n.length);
    return out;
  });
  const head = Buffer.concat(encoded);
  const total = 12 + head.length + payload.length + 4;
  const msg = Buffer.alloc(total);
  msg.writeUInt32BE(total, 0);
  msg.writeUInt32BE(head.length, 4);
  msg.writeUInt32BE(crc32(msg.subarray(0, 8)), 8);
  head.copy(msg, 12);
  payload.copy(msg, 12 + head.length);
  msg.writeUInt32BE(crc32(msg.subarray(0, total - 4)), total - 4);
  return msg;
}

const event = (type: string, json: unknown) =>
  eventMessage({ ":event-type": type, ":content-type": "application/json", ":message-type": "event" }, Buffer.from(JSON.stringify(json)));
const exception = (type: string, message: string) =>
  eventMessage(
    { ":exception-type": type, ":content-type": "application/json", ":message-type": "exception" },
    Buffer.from(JSON.stringify({ message })),
  );
const chunk = (json: unknown) => event("chunk", { bytes: Buffer.from(JSON.stringify(json)).toString("base64") });

// ---- answers ----

function error(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, {
    "content-type": "application/json",
    "x-amzn-requestid": `req-${status}`,
    "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
  });
  res.end(JSON.stringify({ message }));
}

async function respond(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  auth: BedrockRequest["auth"],
  sent: Buffer[],
): Promise<void> {
  if (auth === "refused") {
    return error(
      res,
      403,
      "InvalidSignatureException",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  const m = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/.exec(req.url ?? "");
  if (req.method !== "POST" || !m) return error(res, 404, "UnknownOperationException", "Unknown operation");
  const modelId = decodeURIComponent(m[1]!);
  const op = m[2]!;
  if (modelId.includes("throttled")) return error(res, 429, "ThrottlingException", "Too many requests, please wait before trying again.");
  if (modelId.includes("invalid")) return error(res, 400, "ValidationException", "The provided model identifier is invalid.");
  const json = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
  const headers = { "x-amzn-requestid": "req-" + Math.random().toString(36).slice(2, 10) };
  if (op === "converse")
    return answer(res, sent, 200, { ...headers, "content-type": "application/json" }, Buffer.from(JSON.stringify(converseBody())));
  if (op === "converse-stream") return stream(res, sent, headers, converseStream(modelId), modelId.includes("held"));
  if (op === "invoke") return invoke(res, sent, headers, modelId, json);
  return stream(res, sent, headers, invokeStream(modelId));
}

function answer(res: ServerResponse, sent: Buffer[], status: number, headers: Record<string, string>, body: Buffer): void {
  sent.push(body);
  res.writeHead(status, headers);
  res.end(body);
}

function converseBody(): Record<string, unknown> {
  return {
    output: { message: { role: "assistant", content: [{ text: CONVERSE_TEXT.join("") }] } },
    stopReason: "end_turn",
    usage: CONVERSE_USAGE,
    metrics: { latencyMs: 412 },
  };
}

function converseStream(modelId: string): Buffer[] {
  const out = [event("messageStart", { role: "assistant" })];
  for (const text of CONVERSE_TEXT) out.push(event("contentBlockDelta", { contentBlockIndex: 0, delta: { text } }));
  if (modelId.includes("midstream")) {
    out.push(exception("throttlingException", "Too many tokens, please wait before trying again."));
    return out;
  }
  out.push(event("contentBlockStop", { contentBlockIndex: 0 }), event("messageStop", { stopReason: "end_turn" }));
  out.push(event("metadata", { usage: CONVERSE_USAGE, metrics: { latencyMs: 388 } }));
  return out;
}

/** Anthropic's Messages stream inside `chunk` events; the last carries amazon-bedrock-invocationMetrics. */
export const INVOKE_STREAM_METRICS = {
  inputTokenCount: 25,
  outputTokenCount: 12,
  invocationLatency: 900,
  firstByteLatency: 300,
  cacheReadInputTokenCount: 100,
  cacheWriteInputTokenCount: 40,
};

function invokeStream(modelId: string): Buffer[] {
  const model = "claude-3-5-sonnet-20240620";
  const out = [
    chunk({
      type: "message_start",
      message: {
        id: "msg_bdrk_01",
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        usage: { input_tokens: 25, cache_read_input_tokens: 100, cache_creation_input_tokens: 40, output_tokens: 1 },
      },
    }),
  ];
  out.push(chunk({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }));
  for (const text of CONVERSE_TEXT) out.push(chunk({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }));
  out.push(chunk({ type: "content_block_stop", index: 0 }));
  out.push(chunk({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 12 } }));
  out.push(chunk({ type: "message_stop", "amazon-bedrock-invocationMetrics": INVOKE_STREAM_METRICS }));
  void modelId;
  return out;
}

/**
 * The messages' bytes written in pieces that cut messages anywhere (inside the prelude, the headers, the
 * payload): the proxy must reassemble them, and relay them unchanged.
 */
let releaseHeld: (() => void) | null = null;
/** Lets a `…held…` stream go on. */
export function releaseHeldStream(): void {
  releaseHeld?.();
}

async function stream(
  res: ServerResponse,
  sent: Buffer[],
  headers: Record<string, string>,
  messages: Buffer[],
  held = false,
): Promise<void> {
  const all = Buffer.concat(messages);
  sent.push(all);
  res.writeHead(200, {
    ...headers,
    "content-type": "application/vnd.amazon.eventstream",
    "x-amzn-bedrock-content-type": "application/json",
  });
  if (held) {
    res.write(Buffer.concat(messages.slice(0, 2)));
    await new Promise<void>((r) => (releaseHeld = r));
    res.end(Buffer.concat(messages.slice(2)));
    return;
  }
  const sizes = [5, 37, 3, 90, 11, 64, 7];
  let at = 0;
  for (let i = 0; at < all.length; i++) {
    const size = sizes[i % sizes.length]!;
    res.write(all.subarray(at, at + size));
    at += size;
    await new Promise((r) => setImmediate(r));
  }
  res.end();
}

/** Native bodies by family, with Bedrock's token-count headers (Mistral's text body counts nothing itself). */
export const INVOKE_COUNTS = { input: 31, output: 17 };

function invoke(
  res: ServerResponse,
  sent: Buffer[],
  headers: Record<string, string>,
  modelId: string,
  json: Record<string, unknown>,
): void {
  const counted = {
    ...headers,
    "content-type": "application/json",
    "x-amzn-bedrock-input-token-count": String(INVOKE_COUNTS.input),
    "x-amzn-bedrock-output-token-count": String(INVOKE_COUNTS.output),
    "x-amzn-bedrock-invocation-latency": "640",
  };
  const text = CONVERSE_TEXT.join("");
  let body: unknown;
  if (modelId.includes("anthropic.")) {
    if (json.anthropic_version !== "bedrock-2023-05-31")
      return error(res, 400, "ValidationException", "anthropic_version: must be bedrock-2023-05-31");
    body = {
      id: "msg_bdrk_02",
      type: "message",
      role: "assistant",
      model: "claude-3-5-sonnet-20240620",
      content: [{ type: "text", text }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 900, cache_creation_input_tokens: 300, cache_read_input_tokens: 2000, output_tokens: 150 },
    };
  } else if (modelId.includes("amazon.nova")) {
    body = {
      output: { message: { role: "assistant", content: [{ text }] } },
      stopReason: "end_turn",
      usage: { inputTokens: 420, outputTokens: 64, totalTokens: 484, cacheReadInputTokenCount: 0, cacheWriteInputTokenCount: 0 },
    };
  } else if (modelId.includes("meta.llama")) {
    body = { generation: text, prompt_token_count: 77, generation_token_count: 23, stop_reason: "stop" };
  } else {
    body = { outputs: [{ text, stop_reason: "stop" }] };
  }
  answer(res, sent, 200, counted, Buffer.from(JSON.stringify(body)));
}

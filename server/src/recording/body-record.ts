import { redactSecrets } from "../lib/redact.ts";
import { SseParser } from "../lib/sse.ts";
import { assembleAnthropic } from "./assemble-anthropic.ts";
import { assembleBedrock } from "./assemble-bedrock.ts";
import { assembleGemini } from "./assemble-gemini.ts";
import { assembleResponses } from "./assemble-openai.ts";
import { assembleChatText } from "./assemble-chat-text.ts";
import type { BodyCapture } from "./body-capture.ts";

/** A finished call's captured bodies, as the proxy hands them on: still raw. */
export interface PendingBody {
  callId: string;
  startedAt: Date;
  /** the adapter's wire format and the endpoint, which pick the stream assembler */
  format: string;
  endpoint: string;
  /** the query string sent upstream (a virtual key's ?key= already removed) */
  query: string;
  capture: BodyCapture;
  /** bytes the response had (the capture stops at its limit) */
  responseBytes: number;
  /** the error body Tollgate answered itself (refused, unreachable upstream), when no response passed */
  errorBody: string | null;
}

/** One call_bodies row. */
export interface StoredBody {
  callId: string;
  startedAt: Date;
  method: string;
  path: string;
  query: string | null;
  headers: Record<string, string> | null;
  requestBody: string | null;
  requestTruncated: boolean;
  responseBody: string | null;
  responseTruncated: boolean;
  /** the response was a stream, stored as the JSON the same call answers unstreamed */
  responseAssembled: boolean;
}

/** Cuts text to at most `maxBytes` of UTF-8, never inside a character. */
export function capText(text: string, maxBytes: number): { text: string; truncated: boolean } {
  // Every UTF-16 unit is at most 3 UTF-8 bytes: most texts need no measuring.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return { text, truncated: false };
  let cut = Buffer.from(text, "utf8").subarray(0, maxBytes).toString("utf8");
  if (cut.endsWith("\uFFFD")) cut = cut.slice(0, -1);
  return { text: cut, truncated: true };
}

/** Which assembler folds an SSE stream of this format and endpoint, if any. */
function sseKind(format: string, endpoint: string): "gemini" | "anthropic" | "responses" | "chat" | undefined {
  if (format === "gemini" && endpoint === "streamGenerateContent") return "gemini";
  if (format === "anthropic" || format === "vertex-anthropic" || endpoint === "messages") return "anthropic";
  if (endpoint === "responses") return "responses";
  if (endpoint === "chat.completions" || endpoint === "fim.completions" || endpoint === "completions") return "chat";
  return undefined;
}

/**
 * Whether a metered SSE stream of this format and endpoint is stored assembled: then the capture keeps the
 * events' data texts the proxy's parser split for the meter (BodyCapture.events) instead of the raw bytes.
 */
export function assemblesEvents(format: string, endpoint: string): boolean {
  return sseKind(format, endpoint) !== undefined;
}

function parsed(datas: readonly string[]): unknown[] {
  const events: unknown[] = [];
  for (const data of datas) {
    if (data === "[DONE]") continue;
    try {
      events.push(JSON.parse(data));
    } catch {
      // a cut last event
    }
  }
  return events;
}

/** The assembled JSON of a stream's event data texts (see assemblesEvents). */
function assembleEvents(format: string, endpoint: string, datas: readonly string[]): unknown {
  switch (sseKind(format, endpoint)) {
    case "chat":
      return assembleChatText(datas);
    case "gemini":
      return assembleGemini(parsed(datas));
    case "anthropic":
      return assembleAnthropic(parsed(datas));
    case "responses":
      return assembleResponses(parsed(datas));
    default:
      return undefined;
  }
}

/** A captured SSE stream's events' data texts (events without data are skipped). */
function sseData(bytes: Buffer): string[] {
  const datas: string[] = [];
  const parser = new SseParser((_event, data) => {
    if (data !== undefined) datas.push(data);
  });
  parser.push(bytes);
  parser.end();
  return datas;
}

/** The assembled JSON of a raw captured stream in a known format, else undefined (stored as the raw text). */
function assemble(format: string, endpoint: string, bytes: Buffer, sse: boolean): unknown {
  if (sse) return assembleEvents(format, endpoint, sseData(bytes));
  if (format === "bedrock" && (endpoint === "converse" || endpoint === "invoke")) return assembleBedrock(bytes);
  if (format !== "gemini" || endpoint !== "streamGenerateContent") return undefined;
  try {
    const array = JSON.parse(bytes.toString("utf8")) as unknown;
    return Array.isArray(array) ? assembleGemini(array) : undefined;
  } catch {
    return undefined; // cut short: kept as text
  }
}

/** Drops `key` (Gemini's API key parameter) from a query string; the rest is redacted like a body. */
function safeQuery(query: string): string | null {
  if (!query) return null;
  const params = new URLSearchParams(query);
  params.delete("key");
  const out = params.toString();
  return out || null;
}

/**
 * Turns a pending capture into its row, off the proxy's path (in the body recorder's batch): decodes the
 * bodies, assembles a stream, redacts secrets (redact.ts: the configured keys and every known key shape),
 * then cuts each body to `maxBytes`.
 */
export function storedBody(p: PendingBody, maxBytes: number, secrets: readonly string[]): StoredBody {
  const c = p.capture;
  const request = c.request === undefined ? null : capText(redactSecrets(c.request, secrets), maxBytes);
  let response: { text: string; truncated: boolean } | null = null;
  let assembled = false;
  const events = c.events;
  if (events !== null && events.length > 0) {
    const json = assembleEvents(p.format, p.endpoint, events);
    assembled = json !== undefined;
    response = capText(redactSecrets(assembled ? JSON.stringify(json) : events.map((d) => `data: ${d}\n\n`).join(""), secrets), maxBytes);
    if (c.eventsCut) response.truncated = true;
  } else if (c.chunks.length > 0) {
    const bytes = c.chunks.length === 1 ? (c.chunks[0] as Buffer) : Buffer.concat(c.chunks);
    const cutShort = c.bytes < p.responseBytes;
    const json =
      c.sse || p.endpoint === "streamGenerateContent" || p.format === "bedrock" ? assemble(p.format, p.endpoint, bytes, c.sse) : undefined;
    if (json !== undefined) {
      assembled = true;
      response = capText(redactSecrets(JSON.stringify(json), secrets), maxBytes);
      if (cutShort) response.truncated = true;
    } else {
      response = capText(redactSecrets(bytes.toString("utf8"), secrets), maxBytes);
      if (cutShort) response.truncated = true;
    }
  } else if (p.errorBody !== null) {
    response = capText(redactSecrets(p.errorBody, secrets), maxBytes);
  }
  const query = safeQuery(p.query);
  return {
    callId: p.callId,
    startedAt: p.startedAt,
    method: c.method,
    path: c.path,
    query: query === null ? null : redactSecrets(query, secrets),
    headers: c.headers,
    requestBody: request?.text ?? null,
    requestTruncated: request?.truncated ?? false,
    responseBody: response?.text ?? null,
    responseTruncated: response?.truncated ?? false,
    responseAssembled: assembled,
  };
}

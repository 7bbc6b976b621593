import type { BodyCaptureMode } from "../config.ts";
import type { PendingBody } from "./body-record.ts";

/** Request headers worth replaying a call with; everything else (keys, cookies, tracing) is never kept. */
const REPLAY_HEADERS = new Set(["content-type", "accept", "anthropic-version", "anthropic-beta", "openai-beta"]);

/**
 * What the proxy keeps of one call's bodies while it runs (TOLLGATE_LOG_BODIES): references only — the
 * request text it parsed anyway, the response chunks as they passed (no copy, no decoding). Decoding, stream
 * assembly, redaction and the size cap happen later, in the body recorder's batches (body-record.ts).
 */
export class BodyCapture {
  /** response chunks, up to `limit` bytes */
  readonly chunks: Buffer[] = [];
  /**
   * instead of chunks, for a stream the proxy's meter parses and the body recorder assembles: each event's
   * data text as the proxy's parser split it (the strings the meter read; no copy), up to `limit` characters
   */
  events: string[] | null = null;
  /** an event was left out for the limit */
  eventsCut = false;
  bytes = 0;
  /** bytes kept of a response; set when its headers arrive (streams keep more: they shrink once assembled) */
  limit = 0;
  sse = false;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly request: string | undefined,
    readonly headers: Record<string, string> | null,
    private readonly maxBytes: number,
  ) {}

  /**
   * the response's headers arrived: how much of its body to keep, and whether as the events `parsed` by the
   * proxy's stream parser (see addEvent) rather than as raw chunks
   */
  responseStarts(stream: boolean, parsed = false): void {
    this.sse = stream;
    this.limit = stream ? this.maxBytes * STREAM_RAW_FACTOR : this.maxBytes + 1;
    if (parsed) this.events = [];
  }

  /** called per response chunk when capturing: one push, no copy */
  add(chunk: Buffer): void {
    if (this.events !== null || this.bytes >= this.limit) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }
}

/** called per stream event's data when capturing events: one push, no copy */
export function captureEvent(capture: BodyCapture, data: string): void {
  if (capture.bytes >= capture.limit) {
    capture.eventsCut = true;
    return;
  }
  (capture.events as string[]).push(data);
  capture.bytes += data.length;
}

/** The replay-safe headers of a raw header list (lower-cased names), or null when none. */
export function replayHeaders(raw: string[]): Record<string, string> | null {
  let out: Record<string, string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = (raw[i] as string).toLowerCase();
    if (REPLAY_HEADERS.has(lower)) (out ??= {})[lower] = (raw[i + 1] as string).slice(0, 500);
  }
  return out;
}

/** Body capture settings the proxy gets. */
export interface BodyCaptureOptions {
  mode: BodyCaptureMode;
  /** TOLLGATE_BODY_MAX_BYTES */
  maxBytes: number;
}

/** Raw stream bytes kept per call, a multiple of the stored cap: events carry far more JSON than their text. */
export const STREAM_RAW_FACTOR = 16;

/** The facts of a finished call the body recorder keeps (the proxy's call state has them). */
interface CapturedCall {
  id: string;
  startedMs: number;
  adapter: { format: string };
  info: { endpoint: string };
  query: string;
  responseBytes: number;
  errorBodyText: string | null;
}

/** What the body recorder needs of a finished call; taken at once so nothing else of the call is held. */
export function pendingBodyOf(call: CapturedCall, capture: BodyCapture): PendingBody {
  return {
    callId: call.id,
    startedAt: new Date(call.startedMs),
    format: call.adapter.format,
    endpoint: call.info.endpoint,
    query: call.query,
    capture,
    responseBytes: call.responseBytes,
    errorBody: capture.chunks.length === 0 && !capture.events?.length ? call.errorBodyText : null,
  };
}

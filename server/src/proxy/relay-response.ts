import type { ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { DROP, TOKEN, type BinaryStreamParser, type StreamMeter } from "../providers/types.ts";
import type { CallState } from "./call-state.ts";
import type { Metering } from "./finish.ts";
import { rawHeader, responseHeaders } from "./headers.ts";
import { NdjsonParser } from "./ndjson.ts";
import { maskHeaderValues, SecretScrubber } from "./secret-scrubber.ts";
import { SseParser } from "./sse.ts";
import { captureEvent } from "../recording/body-capture.ts";
import { assemblesEvents } from "../recording/body-record.ts";

/** JSON bodies larger than this are forwarded but not parsed for metering. */
export const MAX_JSON_BODY = 16 * 1024 * 1024;
const MAX_ERROR_BODY = 8 * 1024;
/** An answer held back for a rewrite is passed on unchanged once it grows past this. */
const MAX_REWRITTEN_BODY = 1024 * 1024;

export interface RelayContext {
  metering: Metering;
  /** records the call, exactly once (before the answer's last byte is written) */
  record(call: CallState): void;
  /** runs `fn` once the calls recorded so far are journaled (at the end of this turn): an answer's end waits for it */
  afterRecorded(fn: () => void): void;
  /** records the call if not yet, and ends it (no longer in flight) */
  finish(call: CallState): void;
  /** shutting down: answers close their connection, so keep-alive clients do not send another request on it */
  draining: boolean;
}

/** What the relay needs of the upstream response's body: flow control, and whether it arrived whole. */
export interface UpstreamBody {
  pause(): void;
  resume(): void;
  readonly complete: boolean;
}

/**
 * Relays the upstream's response to the client as it arrives — status, headers and body unchanged (but for
 * a hidden usage chunk) — while the adapter's stream meter, or the kept JSON body, yields usage. The caller
 * feeds the returned relay the body's chunks (`onData`) and its end (`onClose`).
 */
export function relayResponse(
  call: CallState,
  status: number,
  statusMessage: string | undefined,
  raw: string[],
  body: UpstreamBody,
  res: ServerResponse,
  ctx: RelayContext,
): ResponseRelay {
  call.firstByteAt = performance.now();
  call.status = status;
  for (const name of call.adapter.requestIdHeaders) {
    const v = rawHeader(raw, name);
    if (v) {
      call.upstreamRequestId = v.slice(0, 200);
      break;
    }
  }
  const contentType = rawHeader(raw, "content-type") ?? "";
  const isSse = contentType.includes("text/event-stream");
  // NDJSON is looked for only where the adapter's streams are NDJSON (Ollama's native API).
  const isNdjson = call.adapter.ndjson === true && contentType.includes("application/x-ndjson");
  // A binary stream encoding only where the adapter has one (Bedrock's event stream).
  const binary = call.adapter.binaryStream;
  const isBinaryStream = binary !== undefined && contentType.includes(binary.contentType);
  if (call.adapter.headerFacts) call.headerFacts = call.adapter.headerFacts(call.info, raw);
  if (ctx.draining) res.shouldKeepAlive = false;
  if (call.rewriteAnswer && (status < 200 || status >= 300 || isSse || isNdjson)) call.rewriteAnswer = null;
  const bodyChanges = (isSse && call.hideUsage) || call.rewriteAnswer !== null;
  const headers = responseHeaders(raw, call.id, bodyChanges);
  if (call.heldKey) maskHeaderValues(headers, call.heldKey);
  res.writeHead(call.status, statusMessage, headers);
  // Masking the held key keeps every byte count, so a declared length stays true.
  const declared = bodyChanges ? -1 : Number(rawHeader(raw, "content-length") ?? -1);
  const kind: StreamKind = isSse ? "sse" : isNdjson ? "ndjson" : isBinaryStream ? "binary" : null;
  return new ResponseRelay(call, body, res, ctx, kind, Number.isSafeInteger(declared) ? declared : -1);
}

/** How a response body streams: SSE, NDJSON, the adapter's binary encoding, or not at all. */
type StreamKind = "sse" | "ndjson" | "binary" | null;

/** One response in flight: what has passed, what is pending, and the parser or kept body that meters it. */
export class ResponseRelay {
  private readonly filtering: boolean;
  private parser: SseParser | NdjsonParser | BinaryStreamParser | null = null;
  private meterFailed = false;
  /**
   * While filtering, the events of one upstream chunk that pass are gathered and written once after the
   * chunk is parsed: one write per chunk, as without filtering, not one per event.
   */
  private passing = "";
  /**
   * Headers leave with the first body bytes: one write and one packet instead of two. A stream's headers
   * must not wait for its first event (it may be seconds away), so unless that event is already here
   * (written before the check phase), they are flushed on their own at the end of this turn.
   */
  private headersPending: NodeJS.Immediate | null = null;
  /** masks the held provider key in the body of a virtual-key client's response */
  private readonly scrubber: SecretScrubber | null;
  /**
   * A body of declared length was recorded when its last chunk arrived, before that chunk was written:
   * with the length declared, that chunk (not the end) tells the client the answer is complete.
   */
  private recordedEarly = false;
  /** an answer the adapter rewrites: held back until it is whole (null when not rewriting, or given up) */
  private held: Buffer[] | null = null;
  private heldBytes = 0;

  constructor(
    private readonly call: CallState,
    private readonly body: UpstreamBody,
    private readonly res: ServerResponse,
    private readonly ctx: RelayContext,
    /** the body's stream encoding, null for a body that is not a stream */
    kind: StreamKind,
    /** the body's declared length, as the client sees it (-1: none) */
    private readonly declaredLength: number,
  ) {
    const isSse = kind === "sse";
    const isNdjson = kind === "ndjson";
    this.filtering = isSse && call.hideUsage;
    this.scrubber = call.heldKey ? new SecretScrubber(call.heldKey) : null;
    if (call.rewriteAnswer) this.held = [];
    call.capture?.responseStarts(isSse || isNdjson, isSse && call.info.metered && assemblesEvents(call.adapter.format, call.info.endpoint));
    if (kind !== null) this.headersPending = setImmediate(flushHeaders, this);
    if (isSse && call.info.metered) {
      call.meter = call.adapter.createStreamMeter(call.info, call.hideUsage);
      this.parser = new SseParser((event, data, rawEvent) => this.onEvent(event, data, rawEvent));
    } else if (kind === "binary" && call.info.metered && call.adapter.binaryStream) {
      call.meter = call.adapter.createStreamMeter(call.info, false);
      // Messages are metered as they pass; the bytes go to the client unchanged.
      this.parser = call.adapter.binaryStream.parser((event, data) => this.onEvent(event, data, ""));
    } else if (isNdjson && call.info.metered) {
      call.meter = call.adapter.createStreamMeter(call.info, false);
      // Lines are metered as they pass; the bytes go to the client unchanged (an NDJSON meter never drops).
      this.parser = new NdjsonParser((line) => this.onEvent(undefined, line, ""), MAX_JSON_BODY);
    } else if (call.info.metered || call.info.batch || call.status >= 400) {
      call.bodyChunks = [];
    }
  }

  private onEvent(event: string | undefined, data: string | undefined, rawEvent: string): void {
    let verdict = 0;
    const capture = this.call.capture;
    if (capture !== null && capture.events !== null && data !== undefined) captureEvent(capture, data);
    // A meter that throws must not cost the client the rest of a filtered stream: from then on every
    // event passes unmetered (the call is recorded without reported usage, the failure counted).
    if (!this.meterFailed) {
      try {
        verdict = (this.call.meter as StreamMeter).onEvent(event, data);
      } catch (err) {
        this.meterFailed = true;
        this.ctx.metering.onFailure("usage", err, this.call);
      }
    }
    if (verdict & TOKEN && !this.call.firstTokenAt) this.call.firstTokenAt = performance.now();
    if (this.filtering && !(verdict & DROP)) this.passing += rawEvent;
  }

  write(data: Buffer): void {
    if (this.scrubber) {
      data = this.scrubber.push(data);
      if (data.length === 0) return;
    }
    if (this.headersPending) {
      clearImmediate(this.headersPending);
      this.headersPending = null;
    }
    if (!this.res.write(data)) {
      this.body.pause();
      this.res.once("drain", () => this.body.resume());
    }
  }

  flushPendingHeaders(): void {
    this.headersPending = null;
    if (!this.res.writableEnded && !this.res.destroyed) this.res.flushHeaders();
  }

  private writePassing(): void {
    if (this.passing.length > 0) {
      this.write(Buffer.from(this.passing, "latin1"));
      this.passing = "";
    }
  }

  onData(chunk: Buffer): void {
    const call = this.call;
    call.responseBytes += chunk.length;
    const last = !this.filtering && this.declaredLength >= 0 && call.responseBytes >= this.declaredLength;
    if (this.held) this.hold(chunk);
    else if (!this.filtering && !last) this.write(chunk);
    if (call.capture !== null) call.capture.add(chunk);
    if (this.parser) {
      try {
        this.parser.push(chunk);
      } catch (err) {
        this.parser = null;
        this.ctx.metering.onFailure("usage", err, call);
      }
      this.writePassing();
    } else if (call.bodyChunks && call.bodyChunksBytes < MAX_JSON_BODY) {
      call.bodyChunks.push(chunk);
      call.bodyChunksBytes += chunk.length;
    }
    if (last) {
      if (!call.finished) {
        this.recordedEarly = true;
        this.endBody(true);
        this.ctx.record(call);
      }
      this.ctx.afterRecorded(() => this.write(chunk));
    }
  }

  /** The body is over (whole or cut): the parser's last events, then the facts of the call. */
  private endBody(complete: boolean): void {
    const call = this.call;
    call.upstreamEndedAt = performance.now();
    if (this.parser) {
      try {
        this.parser.end();
      } catch (err) {
        this.ctx.metering.onFailure("usage", err, call);
      }
      this.writePassing();
    }
    readFacts(call, this.ctx.metering, complete);
  }

  onClose(): void {
    const call = this.call;
    if (call.finished) {
      // Recorded as its last byte arrived: only the end (and any tail the key scrubber held back) is left.
      if (this.recordedEarly && !this.res.writableEnded) this.ctx.afterRecorded(() => this.endResponse());
      return;
    }
    const complete = this.body.complete;
    this.endBody(complete);
    if (!complete) {
      // The stream was cut mid-way: the client sees the same cut.
      call.fail("network_error", "stream_cut", "the upstream connection closed before the response ended");
      this.res.destroy();
      this.ctx.finish(call);
      return;
    }
    // Recorded (journaled) before the client can see the answer end.
    this.ctx.record(call);
    this.ctx.afterRecorded(() => {
      if (this.held) this.writeRewritten(this.held);
      this.endResponse();
    });
  }

  private hold(chunk: Buffer): void {
    (this.held as Buffer[]).push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes <= MAX_REWRITTEN_BODY) return;
    // Too big to be the answer the rewrite is for: pass it on unchanged from here.
    const held = this.held as Buffer[];
    this.held = null;
    for (const c of held) this.write(c);
  }

  private writeRewritten(held: Buffer[]): void {
    this.held = null;
    const body: Buffer = Buffer.concat(held);
    let out: Buffer = body;
    try {
      out = (this.call.rewriteAnswer as (b: Buffer) => Buffer)(body);
    } catch (err) {
      this.ctx.metering.onFailure("usage", err, this.call);
    }
    if (out.length > 0) this.write(out);
  }

  /** Writes what the key scrubber still holds (a possible start of the key that never completed) and ends. */
  private endResponse(): void {
    if (this.res.writableEnded) return;
    const rest = this.scrubber?.end();
    if (rest && rest.length > 0) this.res.write(rest);
    this.res.end(() => this.ctx.finish(this.call));
  }
}

function flushHeaders(relay: ResponseRelay): void {
  relay.flushPendingHeaders();
}

function readFacts(call: CallState, metering: Metering, complete: boolean): void {
  readBodyFacts(call, metering, complete);
  const fromHeaders = call.headerFacts;
  if (fromHeaders) call.facts = { ...fromHeaders, ...call.facts, usage: call.facts.usage ?? fromHeaders.usage };
}

function readBodyFacts(call: CallState, metering: Metering, complete: boolean): void {
  try {
    if (call.meter) {
      call.facts = call.meter.facts();
      return;
    }
    const chunks = call.bodyChunks;
    if (!chunks || chunks.length === 0) return;
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    // Only a whole body is cut (not one the upstream cut short, nor one past MAX_JSON_BODY): its end is real.
    const whole = complete && call.bodyChunksBytes === call.responseBytes;
    const read = call.status < 400 && whole ? call.adapter.factsFromBody?.(call.info, body) : undefined;
    if (read) {
      call.facts = read;
      return;
    }
    const text = body.toString("utf8");
    if (call.status >= 400) call.errorBodyText = text.slice(0, MAX_ERROR_BODY);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return; // garbage or truncated JSON: forwarded as is, recorded without usage
    }
    call.facts = call.adapter.factsFromJson(call.info, json);
  } catch (err) {
    metering.onFailure("usage", err, call);
  } finally {
    call.bodyChunks = null;
  }
}

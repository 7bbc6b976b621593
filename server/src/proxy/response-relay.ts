import type { ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { DROP, TOKEN, type BinaryStreamParser, type StreamMeter } from "../providers/types.ts";
import { captureEvent } from "../recording/body-capture.ts";
import { assemblesEvents } from "../recording/body-record.ts";
import type { CallState } from "./call-state.ts";
import { NdjsonParser } from "./ndjson.ts";
import { MAX_JSON_BODY, type RelayContext, type StreamKind, type UpstreamBody } from "./relay-context.ts";
import { readFacts } from "./response-facts.ts";
import { SecretScrubber } from "./secret-scrubber.ts";
import { SseParser } from "../lib/sse.ts";

/** An answer held back for a rewrite is passed on unchanged once it grows past this. */
const MAX_REWRITTEN_BODY = 1024 * 1024;

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

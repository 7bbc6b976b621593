import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { DROP, TOKEN } from "../providers/types.ts";
import type { CallState } from "./call-state.ts";
import type { Metering } from "./finish.ts";
import { rawHeader, responseHeaders } from "./headers.ts";
import { SseParser } from "./sse.ts";

/** JSON bodies larger than this are forwarded but not parsed for metering. */
export const MAX_JSON_BODY = 16 * 1024 * 1024;
const MAX_ERROR_BODY = 8 * 1024;

export interface RelayContext {
  metering: Metering;
  /** records the call, exactly once */
  finish(call: CallState): void;
}

/**
 * Relays the upstream's response to the client as it arrives — status, headers and body unchanged (but for
 * a hidden usage chunk) — while the adapter's stream meter, or the kept JSON body, yields usage.
 */
export function relayResponse(call: CallState, upRes: IncomingMessage, res: ServerResponse, ctx: RelayContext): void {
  call.firstByteAt = performance.now();
  call.status = upRes.statusCode ?? 502;
  const raw = upRes.rawHeaders;
  for (const name of call.adapter.requestIdHeaders) {
    const v = rawHeader(raw, name);
    if (v) {
      call.upstreamRequestId = v.slice(0, 200);
      break;
    }
  }
  const contentType = rawHeader(raw, "content-type") ?? "";
  const isSse = contentType.includes("text/event-stream");
  const filtering = isSse && call.hideUsage;
  res.writeHead(call.status, upRes.statusMessage, responseHeaders(raw, call.id, filtering));
  // Headers leave with the first body bytes: one write and one packet instead of two. A stream's
  // headers must not wait for its first event (it may be seconds away), so unless that event is already
  // here (written before the check phase), they are flushed on their own at the end of this turn.
  let headersPending: NodeJS.Immediate | null = isSse
    ? setImmediate(() => {
        headersPending = null;
        if (!res.writableEnded && !res.destroyed) res.flushHeaders();
      })
    : null;

  let parser: SseParser | null = null;
  // While filtering, the events of one upstream chunk that pass are gathered and written once after
  // the chunk is parsed: one write per chunk, as without filtering, not one per event.
  let passing = "";
  if (isSse && call.info.metered) {
    const meter = call.adapter.createStreamMeter(call.info, call.hideUsage);
    call.meter = meter;
    let meterFailed = false;
    parser = new SseParser((event, data, rawEvent) => {
      let verdict = 0;
      // A meter that throws must not cost the client the rest of a filtered stream: from then on every
      // event passes unmetered (the call is recorded without reported usage, the failure counted).
      if (!meterFailed) {
        try {
          verdict = meter.onEvent(event, data);
        } catch (err) {
          meterFailed = true;
          ctx.metering.onFailure("usage", err, call);
        }
      }
      if (verdict & TOKEN && !call.firstTokenAt) call.firstTokenAt = performance.now();
      if (filtering && !(verdict & DROP)) passing += rawEvent;
    });
  } else if (call.info.metered || call.status >= 400) {
    call.bodyChunks = [];
  }

  const write = (data: Buffer | string): void => {
    if (headersPending) {
      clearImmediate(headersPending);
      headersPending = null;
    }
    if (!res.write(data)) {
      upRes.pause();
      res.once("drain", () => upRes.resume());
    }
  };

  upRes.on("data", (chunk: Buffer) => {
    call.responseBytes += chunk.length;
    if (!filtering) write(chunk);
    if (parser) {
      try {
        parser.push(chunk);
      } catch (err) {
        parser = null;
        ctx.metering.onFailure("usage", err, call);
      }
      if (passing.length > 0) {
        write(Buffer.from(passing, "latin1"));
        passing = "";
      }
    } else if (call.bodyChunks && call.bodyChunksBytes < MAX_JSON_BODY) {
      call.bodyChunks.push(chunk);
      call.bodyChunksBytes += chunk.length;
    }
  });

  upRes.on("close", () => {
    if (call.finished) return;
    call.upstreamEndedAt = performance.now();
    const complete = upRes.complete;
    if (parser) {
      try {
        parser.end();
      } catch (err) {
        ctx.metering.onFailure("usage", err, call);
      }
      if (passing.length > 0) {
        write(Buffer.from(passing, "latin1"));
        passing = "";
      }
    }
    readFacts(call, ctx.metering);
    if (!complete) {
      // The stream was cut mid-way: the client sees the same cut.
      call.fail("network_error", "stream_cut", "the upstream connection closed before the response ended");
      res.destroy();
      ctx.finish(call);
      return;
    }
    res.end(() => ctx.finish(call));
  });
}

function readFacts(call: CallState, metering: Metering): void {
  try {
    if (call.meter) {
      call.facts = call.meter.facts();
      return;
    }
    const chunks = call.bodyChunks;
    if (!chunks || chunks.length === 0) return;
    const text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString("utf8");
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

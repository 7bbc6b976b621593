import type { ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { CallState } from "./call-state.ts";
import { rawHeader, responseHeaders } from "./headers.ts";
import type { RelayContext, StreamKind, UpstreamBody } from "./relay-context.ts";
import { ResponseRelay } from "./response-relay.ts";
import { maskHeaderValues } from "./secret-scrubber.ts";

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

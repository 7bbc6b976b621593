import type { IncomingMessage, ServerResponse } from "node:http";
import { TollgateError } from "../lib/errors.ts";
import { OUTCOMES, type Outcome } from "../domain/call-record.ts";
import type { CallState } from "./call-state.ts";
import type { ProxyCore } from "./proxy-deps.ts";

const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES);
/** the least a refused body is read (and discarded) before its connection is closed: see refuseTooLarge */
const MIN_DISCARD_BYTES = 128 * 1024 * 1024;

/** Answers with an error Tollgate produced, in the provider's own shape, and ends the call. */
export function answerError(core: ProxyCore, call: CallState, res: ServerResponse, err: TollgateError, closeConnection = false): void {
  const relay = core.relay;
  // Kinds that are not outcomes (payload_too_large, invalid_request…) are Tollgate refusing the call.
  call.fail(OUTCOME_SET.has(err.kind) ? (err.kind as Outcome) : "proxy_error", err.kind, err.message);
  call.status = err.status;
  if (!res.headersSent && !res.destroyed) {
    const body = call.adapter.errorBody(err.kind, err.message, err.status);
    const headers: Record<string, string | number> = {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "x-tollgate-call-id": call.id,
    };
    if (closeConnection || relay.draining) headers.connection = "close";
    // The official SDKs retry 429s unless told not to; a spent budget stays spent until the month ends.
    if (err.kind === "budget_blocked") headers["x-should-retry"] = "false";
    call.responseBytes = Buffer.byteLength(body);
    call.errorBodyText = body;
    relay.record(call);
    // Sent once the call is journaled.
    relay.afterRecorded(() => {
      if (res.destroyed) return;
      res.writeHead(err.status, headers);
      res.end(body);
    });
  } else {
    res.destroy();
  }
  relay.finish(call);
}

/** A hook (or the signing of the request) failed: a TollgateError is answered as it is, anything else as a 502. */
export function hookFailed(core: ProxyCore, call: CallState, res: ServerResponse, err: unknown): void {
  if (!(err instanceof TollgateError)) core.deps.onError(err, call.id);
  answerError(
    core,
    call,
    res,
    err instanceof TollgateError ? err : new TollgateError("proxy_error", "Tollgate failed before forwarding the request"),
  );
}

/**
 * Answers 413 at once, while the client may still be sending, and reads the rest of the body into
 * nothing (up to a bound) on a connection kept open: closing it with body bytes unread makes the kernel
 * reset it, and the client then sees ECONNRESET instead of the 413. A body past the bound (declared or
 * sent) has its connection closed.
 */
export function refuseTooLarge(core: ProxyCore, call: CallState, req: IncomingMessage, res: ServerResponse, received: number): void {
  const max = core.deps.maxBodyBytes;
  const bound = Math.max(4 * max, MIN_DISCARD_BYTES);
  const err = new TollgateError("payload_too_large", `request body exceeds TOLLGATE_MAX_BODY_BYTES (${max} bytes)`);
  answerError(core, call, res, err, Number(req.headers["content-length"]) > bound);
  let discarded = received;
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > bound) req.socket.destroy();
  });
  req.resume();
}

import type { CallState } from "./call-state.ts";
import type { Metering } from "./finish.ts";

/** JSON bodies larger than this are forwarded but not parsed for metering. */
export const MAX_JSON_BODY = 16 * 1024 * 1024;

/** What every response relay shares: metering, how a call is recorded and ended, and shutdown. */
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

/** How a response body streams: SSE, NDJSON, the adapter's binary encoding, or not at all. */
export type StreamKind = "sse" | "ndjson" | "binary" | null;

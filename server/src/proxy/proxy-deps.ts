import type { ProviderConfig } from "../providers/provider-config.ts";
import type { CallRecord } from "../domain/call-record.ts";
import type { BodyCaptureOptions } from "../recording/body-capture.ts";
import type { PendingBody } from "../recording/body-record.ts";
import type { CallState } from "./call-state.ts";
import type { Metering } from "./finish.ts";
import type { RelayContext } from "./relay-context.ts";

/** Runs before a call is forwarded (virtual keys, budgets); may rewrite headers or throw a TollgateError. */
export type BeforeForward = (call: CallState, upstreamHeaders: string[]) => Promise<void> | void;

/** What the proxy is built from (app.ts wires it): routes, limits, metering, and where finished calls go. */
export interface ProxyDeps {
  providers: Map<string, ProviderConfig>;
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  /** TOLLGATE_LOG_BODIES: which calls' bodies are captured, and onBody receives them */
  bodies: BodyCaptureOptions;
  onBody?(body: PendingBody): void;
  metering: Metering;
  /** receives every finished call exactly once (recorder queue, metrics) */
  onCall(record: CallRecord): void;
  /** a finished call's record while its token estimate is counted (it reaches onCall after) */
  onPending?(record: CallRecord): void;
  /**
   * runs `fn` once every call recorded so far is in the crash journal, whose lines of the calls ending in one
   * turn are written together at its end: an answer's end waits for it. Absent: `fn` runs at once.
   */
  afterRecorded?(fn: () => void): void;
  beforeForward: BeforeForward[];
  /** a request on the proxy path failed inside Tollgate; never called with secrets */
  onError(err: unknown, callId: string | null): void;
}

/** What the proxy's parts share once built: its dependencies and the context every response relay gets. */
export interface ProxyCore {
  deps: ProxyDeps;
  relay: RelayContext;
}

import type { Attribution } from "./headers.ts";
import type { BodyCapture } from "../recording/body-capture.ts";
import type { ProviderConfig } from "../providers/provider-config.ts";
import type { Outcome } from "../domain/call-record.ts";
import type { ProviderAdapter, RequestInfo, ResponseFacts, StreamMeter } from "../providers/types.ts";

/** Everything the proxy learns about one call while it is in flight. Times are performance.now() ms. */
export class CallState {
  /** set when Tollgate itself decides the outcome (network error, timeout, cancel, block…) */
  forcedOutcome: Outcome | null = null;
  errorType: string | null = null;
  errorMessage: string | null = null;
  status = 0;
  info: RequestInfo = { endpoint: "", metered: false, model: null, stream: false, deployment: null };
  json: Record<string, unknown> | undefined;
  requestBytes = 0;
  /** the bodies being captured (TOLLGATE_LOG_BODIES), else null */
  capture: BodyCapture | null = null;
  responseBytes = 0;
  hideUsage = false;
  meter: StreamMeter | null = null;
  /** the JSON body's chunks, kept for usage extraction (metered, non-streamed responses) */
  bodyChunks: Buffer[] | null = null;
  bodyChunksBytes = 0;
  /** the start of an error body, kept for engineers to read */
  errorBodyText: string | null = null;
  upstreamRequestId: string | null = null;
  /** the query string going upstream, without "?"; beforeForward hooks may rewrite it */
  query = "";
  keyId: string | null = null;
  /** the request as it came (body unparsed when not JSON-typed), for hooks that must read it */
  request: { method: string; path: string; body: Buffer } | null = null;
  /** the adapter's rewrite of a successful answer (held back until whole), else null */
  rewriteAnswer: ((body: Buffer) => Buffer) | null = null;
  /** the provider key substituted for a virtual key: scrubbed from what goes back to the client */
  heldKey: string | null = null;
  /** a virtual key's call to a format that signs requests (Bedrock): signed with the held credentials when forwarded */
  signUpstream = false;
  /** facts the response's headers carried (adapter.headerFacts); the body's facts take precedence */
  headerFacts: ResponseFacts | undefined;
  bodyReadAt = 0;
  dispatchedAt = 0;
  firstByteAt = 0;
  firstTokenAt = 0;
  upstreamEndedAt = 0;
  /** recorded (its record built and handed on) */
  finished = false;
  /** no longer counted in flight */
  settled = false;
  facts: ResponseFacts = {};

  constructor(
    readonly id: string,
    readonly startedMs: number,
    readonly arrivedAt: number,
    readonly provider: ProviderConfig,
    readonly adapter: ProviderAdapter,
    public attribution: Attribution,
  ) {}

  fail(outcome: Outcome, errorType: string, message: string): void {
    if (this.forcedOutcome !== null) return;
    this.forcedOutcome = outcome;
    this.errorType = errorType;
    this.errorMessage = message;
  }
}

import type { ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import type { CallState } from "./call-state.ts";
import type { RelayContext, UpstreamBody } from "./relay-context.ts";
import { relayResponse } from "./relay-response.ts";
import type { ResponseRelay } from "./response-relay.ts";

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/**
 * One call's upstream request, as undici's dispatch handler: the response's head and body go to the relay
 * as they arrive, with flow control (the relay pauses it while the client is slow). `failed` handles an
 * error before any response byte (the client gets a provider-shaped 502 or 504); after that, an error
 * ends the relay as a cut stream.
 */
export class UpstreamCall implements Dispatcher.DispatchHandler, UpstreamBody {
  complete = false;
  private relay: ResponseRelay | null = null;
  private paused = false;
  private resumeUpstream: (() => void) | null = null;
  private abortUpstream: ((err: Error) => void) | null = null;
  private aborted = false;

  constructor(
    private readonly call: CallState,
    private readonly res: ServerResponse,
    private readonly ctx: RelayContext,
    private readonly timeoutMs: number,
    private readonly failed: (err: Error) => void,
  ) {}

  /** The client left: the upstream request ends too (no leaked sockets). */
  abort(): void {
    this.aborted = true;
    this.abortUpstream?.(new Error("the client closed the connection"));
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.resumeUpstream?.();
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.aborted) abort(new Error("the client closed the connection"));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true; // 1xx: informational, the final response follows
    this.resumeUpstream = resume;
    const raw: string[] = new Array(rawHeaders.length);
    for (let i = 0; i < rawHeaders.length; i++) raw[i] = (rawHeaders[i] as Buffer).toString("latin1");
    this.relay = relayResponse(this.call, statusCode, statusText, raw, this, this.res, this.ctx);
    return !this.paused;
  }

  onData(chunk: Buffer): boolean {
    this.relay?.onData(chunk);
    return !this.paused;
  }

  onComplete(): void {
    this.complete = true;
    this.relay?.onClose();
  }

  onError(err: Error): void {
    const call = this.call;
    // After abort() the proxy has already ended the call as the client's; undici reports the abort here.
    if (call.finished || this.aborted) return;
    // No upstream byte for this long (before or during the response) ends the call as a timeout.
    const code = (err as NodeJS.ErrnoException).code;
    if (code && TIMEOUT_CODES.has(code)) call.fail("timeout", "timeout", `no response from upstream within ${this.timeoutMs} ms`);
    if (this.relay) this.relay.onClose();
    else this.failed(err);
  }
}

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import { performance } from "node:perf_hooks";
import type { ProviderConfig } from "../config.ts";
import { TollgateError } from "../errors.ts";
import { OUTCOMES, type CallRecord, type Outcome } from "../recording/call-record.ts";
import { adapterFor } from "../providers/index.ts";
import { CallState } from "./call-state.ts";
import { resolveDotSegments } from "./dot-segments.ts";
import { finishRecord, type Metering } from "./finish.ts";
import { splitRequestHeaders } from "./headers.ts";
import { publicOrigin } from "../integrations/batches/results-url.ts";
import { MAX_JSON_BODY, type RelayContext } from "./relay-response.ts";
import { BodyCapture, pendingBodyOf, replayHeaders, type BodyCaptureOptions } from "../recording/body-capture.ts";
import type { PendingBody } from "../recording/body-record.ts";
import { UpstreamCall } from "./upstream-call.ts";
import { createUpstream, type Upstream } from "./upstream.ts";
import { requestTimedOut } from "./request-timeout.ts";
import { uuidv7 } from "../lib/uuidv7.ts";

/** Runs before a call is forwarded (virtual keys, budgets); may rewrite headers or throw a TollgateError. */
export type BeforeForward = (call: CallState, upstreamHeaders: string[]) => Promise<void> | void;

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

const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES);
/** the least a refused body is read (and discarded) before its connection is closed: see refuseTooLarge */
const MIN_DISCARD_BYTES = 128 * 1024 * 1024;

function tooLargeError(maxBodyBytes: number): TollgateError {
  return new TollgateError("payload_too_large", `request body exceeds TOLLGATE_MAX_BODY_BYTES (${maxBodyBytes} bytes)`);
}

/**
 * Runs the hooks in order. Hooks that need not wait (no virtual key, no budget: most calls) return nothing,
 * and the call is forwarded in the same turn, without a promise or a microtask; the first hook that returns a
 * promise makes the rest wait for it.
 */
function runHooks(hooks: readonly BeforeForward[], from: number, call: CallState, headers: string[]): Promise<void> | void {
  for (let i = from; i < hooks.length; i++) {
    const pending = (hooks[i] as BeforeForward)(call, headers);
    if (pending) return pending.then(() => runHooks(hooks, i + 1, call, headers));
  }
}

export interface ProxyHandler {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** calls in flight, for graceful shutdown */
  inFlight(): number;
  /** from now on every answer closes its connection (graceful shutdown) */
  drain(): void;
  close(): void;
}

export function createProxyHandler(deps: ProxyDeps): ProxyHandler {
  const upstreams = new Map<string, Upstream>();
  for (const [name, provider] of deps.providers) upstreams.set(name, createUpstream(provider));
  let inFlight = 0;

  /** Records the call (if not yet) and stops counting it as in flight. */
  function finish(call: CallState): void {
    recordCall(call);
    if (call.settled) return;
    call.settled = true;
    inFlight--;
  }
  /**
   * Builds and hands on the call's record, exactly once. A call answered in full is recorded before the
   * answer's last byte is written, so the crash journal holds every call a client saw end.
   */
  function recordCall(call: CallState): void {
    if (call.finished) return;
    call.finished = true;
    try {
      const capture = call.capture;
      if (capture === null || !deps.onBody) finishRecord(call, deps.metering, performance.now(), deliver, deps.onPending);
      else {
        const body = pendingBodyOf(call, capture);
        const onBody = deps.onBody;
        const errorsOnly = deps.bodies.mode === "errors";
        finishRecord(
          call,
          deps.metering,
          performance.now(),
          (record) => {
            if (!errorsOnly || record.outcome !== "ok") onBody(body);
            deliver(record);
          },
          deps.onPending,
        );
      }
      if (call.facts.batch && call.status < 400) deps.metering.onBatch?.(call, call.facts.batch);
    } catch (err) {
      deps.onError(err, call.id);
    }
  }
  /** Hands a record on; it may arrive after the call ended (a token estimate), so it catches on its own. */
  function deliver(record: CallRecord): void {
    try {
      deps.onCall(record);
    } catch (err) {
      deps.onError(err, record.id);
    }
  }
  const afterRecorded = deps.afterRecorded ?? ((fn: () => void) => fn());
  const relay: RelayContext = { metering: deps.metering, record: recordCall, afterRecorded, finish, draining: false };

  /** Answers with an error Tollgate produced, in the provider's own shape. */
  function answerError(call: CallState, res: ServerResponse, err: TollgateError, closeConnection = false): void {
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
      recordCall(call);
      // Sent once the call is journaled.
      afterRecorded(() => {
        if (res.destroyed) return;
        res.writeHead(err.status, headers);
        res.end(body);
      });
    } else {
      res.destroy();
    }
    finish(call);
  }

  /**
   * Answers 413 at once, while the client may still be sending, and reads the rest of the body into
   * nothing (up to a bound) on a connection kept open: closing it with body bytes unread makes the kernel
   * reset it, and the client then sees ECONNRESET instead of the 413. A body past the bound (declared or
   * sent) has its connection closed.
   */
  function refuseTooLarge(call: CallState, req: IncomingMessage, res: ServerResponse, received: number): void {
    const bound = Math.max(4 * deps.maxBodyBytes, MIN_DISCARD_BYTES);
    answerError(call, res, tooLargeError(deps.maxBodyBytes), Number(req.headers["content-length"]) > bound);
    let discarded = received;
    req.on("data", (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > bound) req.socket.destroy();
    });
    req.resume();
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const arrivedAt = performance.now();
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathEnd = q === -1 ? url.length : q;
    let slash = url.indexOf("/", 1);
    if (slash === -1 || slash > pathEnd) slash = pathEnd;
    const upstream = upstreams.get(url.slice(1, slash));
    if (!upstream) {
      const body = JSON.stringify({
        error: { type: "not_found", message: `unknown provider "${url.slice(1, slash)}"; known: ${[...upstreams.keys()].join(", ")}` },
      });
      res.writeHead(404, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const startedMs = Date.now();
    const id = uuidv7(startedMs);
    const sent = url.slice(slash, pathEnd) || "/";
    const resolved = resolveDotSegments(sent);
    const path = resolved ?? sent;
    const adapter = adapterFor(upstream.provider.format, path);
    const call = new CallState(id, startedMs, arrivedAt, upstream.provider, adapter, { app: null, user: null, properties: null });
    inFlight++;
    const query = q === -1 ? "" : url.slice(q + 1);
    call.info = { endpoint: path, metered: false, model: null, stream: false, deployment: null };

    if (resolved === null) {
      // Dot segments climbing out of the provider's path would reach the upstream outside its base path.
      answerError(call, res, new TollgateError("invalid_request", "the path's dot segments leave the provider's base path"), true);
      req.resume();
      return;
    }
    const declared = Number(req.headers["content-length"]);
    if (declared > deps.maxBodyBytes) {
      // Refused before reading a byte of it.
      call.requestBytes = declared;
      refuseTooLarge(call, req, res, 0);
      return;
    }

    // Read the request body, bounded: metering needs the model and stream flag, and the body may change.
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > deps.maxBodyBytes) {
        tooLarge = true;
        call.requestBytes = size;
        refuseTooLarge(call, req, res, size);
        return;
      }
      chunks.push(chunk);
    });
    req.on("error", () => {
      if (requestTimedOut(req.socket)) {
        call.fail("client_cancelled", "request_timeout", "the request was not received within TOLLGATE_REQUEST_TIMEOUT_MS");
        call.status = 408;
      } else {
        call.fail("client_cancelled", "client_cancelled", "the client closed the connection while sending the request");
        call.status = 499;
      }
      finish(call);
    });
    req.on("end", () => {
      if (tooLarge || call.finished) return;
      if (requestTimedOut(req.socket)) {
        // The rest of the body arrived after the 408 went out: the call is not forwarded.
        call.fail("client_cancelled", "request_timeout", "the request was not received within TOLLGATE_REQUEST_TIMEOUT_MS");
        call.status = 408;
        finish(call);
        return;
      }
      call.bodyReadAt = performance.now();
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      call.requestBytes = size;
      try {
        start(call, upstream, req, res, path, query, body);
      } catch (err) {
        deps.onError(err, id);
        answerError(
          call,
          res,
          err instanceof TollgateError ? err : new TollgateError("proxy_error", "Tollgate failed to forward the request"),
        );
      }
    });
  }

  function start(
    call: CallState,
    upstream: Upstream,
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: string,
    body: Buffer,
  ): void {
    const method = req.method ?? "GET";
    const contentType = req.headers["content-type"];
    let bodyText: string | undefined;
    let json: Record<string, unknown> | undefined;
    if (body.length > 0 && body.length <= MAX_JSON_BODY && (contentType === undefined || contentType.includes("json"))) {
      bodyText = body.toString("utf8");
      try {
        const parsed: unknown = JSON.parse(bodyText);
        if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
      } catch {
        // Malformed JSON is forwarded as it came; the provider answers it.
      }
    }
    const adapter = call.adapter;
    call.info = adapter.inspect({ method, path, query, json });
    call.json = json;
    call.request = { method, path, body };
    let outBody = body;
    if (json && bodyText !== undefined && adapter.prepareBody) {
      const prepared = adapter.prepareBody(call.info, bodyText, json);
      if (prepared) {
        outBody = Buffer.from(prepared.body, "utf8");
        call.hideUsage = prepared.hideUsage;
      }
    }
    if (deps.bodies.mode !== "off")
      call.capture = new BodyCapture(method, path, bodyText, replayHeaders(req.rawHeaders), deps.bodies.maxBytes);
    if (adapter.rewriteAnswer) {
      const origin = publicOrigin(req.headers, (req.socket as { encrypted?: boolean }).encrypted === true);
      if (origin)
        call.rewriteAnswer =
          adapter.rewriteAnswer(call.info, { origin, prefix: `/${call.provider.name}`, upstreamBasePath: upstream.basePath }) ?? null;
    }
    // Answers Tollgate reads (metered calls, batch endpoints) must arrive uncompressed.
    const { upstream: headers, attribution } = splitRequestHeaders(req.rawHeaders, call.info.metered || call.info.batch !== undefined);
    call.attribution = attribution;
    call.query = query;
    let pending: Promise<void> | void;
    try {
      pending = runHooks(deps.beforeForward, 0, call, headers);
    } catch (err) {
      hookFailed(call, res, err);
      return;
    }
    if (!pending) {
      forward(call, upstream, res, method, path, call.query, headers, outBody);
      return;
    }
    pending
      // A hook may rewrite the query (a virtual key sent as ?key=… is removed there).
      .then(() => forward(call, upstream, res, method, path, call.query, headers, outBody))
      .catch((err: unknown) => hookFailed(call, res, err));
  }

  function hookFailed(call: CallState, res: ServerResponse, err: unknown): void {
    if (!(err instanceof TollgateError)) deps.onError(err, call.id);
    answerError(
      call,
      res,
      err instanceof TollgateError ? err : new TollgateError("proxy_error", "Tollgate failed before forwarding the request"),
    );
  }

  function forward(
    call: CallState,
    upstream: Upstream,
    res: ServerResponse,
    method: string,
    path: string,
    query: string,
    headers: string[],
    body: Buffer,
  ): void {
    if (body.length > 0 || method === "POST" || method === "PUT" || method === "PATCH") headers.push("content-length", String(body.length));
    headers.push("host", upstream.hostHeader);
    const sign = call.signUpstream ? call.adapter.signRequest : undefined;
    if (sign) {
      // A virtual key's call to a signing format (Bedrock): signed with the held credentials, then sent.
      sign(call.provider, { method, host: upstream.hostHeader, path: upstream.basePath + path, query, headers, body })
        .then(() => dispatch(call, upstream, res, method, path, query, headers, body))
        .catch((err: unknown) => hookFailed(call, res, err));
      return;
    }
    dispatch(call, upstream, res, method, path, query, headers, body);
  }

  /** Sends the call upstream; a client that left meanwhile (also while a signature was computed) ends it here. */
  function dispatch(
    call: CallState,
    upstream: Upstream,
    res: ServerResponse,
    method: string,
    path: string,
    query: string,
    headers: string[],
    body: Buffer,
  ): void {
    if (res.destroyed || call.finished) {
      call.fail("client_cancelled", "client_cancelled", "the client left before the call was forwarded");
      call.status = 499;
      finish(call);
      return;
    }
    const upstreamCall = new UpstreamCall(call, res, relay, deps.upstreamTimeoutMs, (err) => {
      // Nothing came back: the client gets a provider-shaped 502 (or 504 after a timeout).
      const code = (err as NodeJS.ErrnoException).code ?? err.message;
      const timedOut = call.forcedOutcome === "timeout";
      if (!timedOut) call.fail("network_error", "network_error", `upstream unreachable: ${code}`);
      call.upstreamEndedAt = performance.now();
      answerError(
        call,
        res,
        timedOut
          ? new TollgateError("timeout", call.errorMessage ?? "upstream timed out")
          : new TollgateError("network_error", `Tollgate could not reach ${call.provider.name}: ${code}`),
      );
    });

    // The client leaving ends the upstream call too (no leaked sockets).
    res.on("close", () => {
      if (!call.finished && !res.writableFinished) {
        call.fail("client_cancelled", "client_cancelled", "the client closed the connection before the response ended");
        if (call.status === 0) call.status = 499;
        upstreamCall.abort();
        call.facts = call.meter ? call.meter.facts() : call.facts;
        call.upstreamEndedAt = call.upstreamEndedAt || performance.now();
        finish(call);
        return;
      }
      // Recorded before its end was written (or the whole response was handed to the socket), but the client
      // closed it before the write callback ran: 'finish' (and so res.end's callback) never comes.
      finish(call);
    });

    upstream.pool.dispatch(
      {
        method: method as Dispatcher.HttpMethod,
        path: upstream.basePath + path + (query ? "?" + query : ""),
        headers,
        body,
        headersTimeout: deps.upstreamTimeoutMs,
        bodyTimeout: deps.upstreamTimeoutMs,
      },
      upstreamCall,
    );
    call.dispatchedAt = performance.now();
  }

  return {
    handle,
    inFlight: () => inFlight,
    drain() {
      relay.draining = true;
    },
    close() {
      for (const u of upstreams.values()) void u.pool.destroy();
    },
  };
}

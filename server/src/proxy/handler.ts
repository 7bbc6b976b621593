import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { TollgateError } from "../lib/errors.ts";
import { adapterFor } from "../providers/index.ts";
import { uuidv7 } from "../lib/uuidv7.ts";
import { CallEnds } from "./call-end.ts";
import { CallState } from "./call-state.ts";
import { forward } from "./dispatch.ts";
import { resolveDotSegments } from "./dot-segments.ts";
import { answerError, hookFailed, refuseTooLarge } from "./error-answer.ts";
import { prepareCall } from "./prepare-call.ts";
import type { BeforeForward, ProxyCore, ProxyDeps } from "./proxy-deps.ts";
import { requestTimedOut } from "./request-timeout.ts";
import { createUpstream, type Upstream } from "./upstream.ts";

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

/**
 * The proxy path: a request on `/{provider}/…` is routed, its body read (bounded), the call prepared,
 * the hooks run, and the call forwarded (dispatch.ts); the answer is relayed by relay-response.ts and the
 * call ended by call-end.ts.
 */
export function createProxyHandler(deps: ProxyDeps): ProxyHandler {
  const upstreams = new Map<string, Upstream>();
  for (const [name, provider] of deps.providers) upstreams.set(name, createUpstream(provider));
  const ends = new CallEnds(deps);
  const afterRecorded = deps.afterRecorded ?? ((fn: () => void) => fn());
  const core: ProxyCore = {
    deps,
    relay: { metering: deps.metering, record: ends.record, afterRecorded, finish: ends.finish, draining: false },
  };

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
    ends.started();
    const query = q === -1 ? "" : url.slice(q + 1);
    call.info = { endpoint: path, metered: false, model: null, stream: false, deployment: null };

    if (resolved === null) {
      // Dot segments climbing out of the provider's path would reach the upstream outside its base path.
      const err = new TollgateError("invalid_request", "the path's dot segments leave the provider's base path");
      answerError(core, call, res, err, true);
      req.resume();
      return;
    }
    const declared = Number(req.headers["content-length"]);
    if (declared > deps.maxBodyBytes) {
      // Refused before reading a byte of it.
      call.requestBytes = declared;
      refuseTooLarge(core, call, req, res, 0);
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
        refuseTooLarge(core, call, req, res, size);
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
      ends.finish(call);
    });
    req.on("end", () => {
      if (tooLarge || call.finished) return;
      if (requestTimedOut(req.socket)) {
        // The rest of the body arrived after the 408 went out: the call is not forwarded.
        call.fail("client_cancelled", "request_timeout", "the request was not received within TOLLGATE_REQUEST_TIMEOUT_MS");
        call.status = 408;
        ends.finish(call);
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
          core,
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
    received: Buffer,
  ): void {
    const { headers, body } = prepareCall(deps, call, upstream, req, path, query, received);
    const method = req.method ?? "GET";
    let pending: Promise<void> | void;
    try {
      pending = runHooks(deps.beforeForward, 0, call, headers);
    } catch (err) {
      hookFailed(core, call, res, err);
      return;
    }
    // A hook may rewrite the query (a virtual key sent as ?key=… is removed there): call.query is read after.
    if (!pending) {
      forward(core, call, res, { upstream, method, path, query: call.query, headers, body });
      return;
    }
    pending
      .then(() => forward(core, call, res, { upstream, method, path, query: call.query, headers, body }))
      .catch((err: unknown) => hookFailed(core, call, res, err));
  }

  return {
    handle,
    inFlight: () => ends.inFlight(),
    drain() {
      core.relay.draining = true;
    },
    close() {
      for (const u of upstreams.values()) void u.pool.destroy();
    },
  };
}

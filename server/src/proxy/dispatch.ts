import type { ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { Dispatcher } from "undici";
import { TollgateError } from "../lib/errors.ts";
import type { CallState } from "./call-state.ts";
import { answerError, hookFailed } from "./error-answer.ts";
import type { ProxyCore } from "./proxy-deps.ts";
import { UpstreamCall } from "./upstream-call.ts";
import type { Upstream } from "./upstream.ts";

/** A call ready to go upstream: its route, method, path and query (as sent on), headers and body. */
export interface Outgoing {
  upstream: Upstream;
  method: string;
  path: string;
  query: string;
  headers: string[];
  body: Buffer;
}

/**
 * Completes the upstream headers and sends the call on. A virtual key's call to a format that signs its
 * requests (Bedrock) is signed first, with the held credentials, over the exact headers and body sent.
 */
export function forward(core: ProxyCore, call: CallState, res: ServerResponse, out: Outgoing): void {
  const { upstream, method, headers, body } = out;
  if (body.length > 0 || method === "POST" || method === "PUT" || method === "PATCH") headers.push("content-length", String(body.length));
  headers.push("host", upstream.hostHeader);
  const sign = call.signUpstream ? call.adapter.signRequest : undefined;
  if (sign) {
    sign(call.provider, { method, host: upstream.hostHeader, path: upstream.basePath + out.path, query: out.query, headers, body })
      .then(() => dispatch(core, call, res, out))
      .catch((err: unknown) => hookFailed(core, call, res, err));
    return;
  }
  dispatch(core, call, res, out);
}

/** Sends the call upstream; a client that left meanwhile (also while a signature was computed) ends it here. */
function dispatch(core: ProxyCore, call: CallState, res: ServerResponse, out: Outgoing): void {
  const { deps, relay } = core;
  if (res.destroyed || call.finished) {
    call.fail("client_cancelled", "client_cancelled", "the client left before the call was forwarded");
    call.status = 499;
    relay.finish(call);
    return;
  }
  const upstreamCall = new UpstreamCall(call, res, relay, deps.upstreamTimeoutMs, (err) => {
    // Nothing came back: the client gets a provider-shaped 502 (or 504 after a timeout).
    const code = (err as NodeJS.ErrnoException).code ?? err.message;
    const timedOut = call.forcedOutcome === "timeout";
    if (!timedOut) call.fail("network_error", "network_error", `upstream unreachable: ${code}`);
    call.upstreamEndedAt = performance.now();
    answerError(
      core,
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
      relay.finish(call);
      return;
    }
    // Recorded before its end was written (or the whole response was handed to the socket), but the client
    // closed it before the write callback ran: 'finish' (and so res.end's callback) never comes.
    relay.finish(call);
  });

  const { upstream, query } = out;
  upstream.pool.dispatch(
    {
      method: out.method as Dispatcher.HttpMethod,
      path: upstream.basePath + out.path + (query ? "?" + query : ""),
      headers: out.headers,
      body: out.body,
      headersTimeout: deps.upstreamTimeoutMs,
      bodyTimeout: deps.upstreamTimeoutMs,
    },
    upstreamCall,
  );
  call.dispatchedAt = performance.now();
}

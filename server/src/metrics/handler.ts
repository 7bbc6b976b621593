import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Metrics } from "./metrics.ts";

export interface MetricsHandlerOptions {
  /** TOLLGATE_METRICS_TOKEN: when set, scrapes must send `Authorization: Bearer <token>` */
  token?: string;
  /**
   * failed Bearer tokens count per client against this limit (the login limiter's policy); a client over it
   * gets 429 until its window ends
   */
  throttle?: {
    limiter: { attempt(address: string): number; retryAfter(address: string): number };
    address(req: IncomingMessage): string;
  };
}

/**
 * `GET /metrics` as a plain Node handler (usable from http.createServer or Express). Serves the registry in
 * Prometheus text format; everything it reads is in memory, so a scrape never touches the database.
 */
export function metricsHandler(
  metrics: Pick<Metrics, "registry">,
  options: MetricsHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const expected = options.token ? digest(options.token) : undefined;
  const { registry } = metrics;

  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      sendError(res, 405, "method_not_allowed", "use GET /metrics");
      return;
    }
    const throttle = expected && req.headers.authorization !== undefined ? options.throttle : undefined;
    const address = throttle?.address(req) ?? "";
    const wait = throttle?.limiter.retryAfter(address) ?? 0;
    if (wait > 0) {
      res.setHeader("Retry-After", String(Math.ceil(wait / 1000)));
      sendError(res, 429, "rate_limited", "too many failed authentication attempts; try again later");
      return;
    }
    if (expected && !authorized(req.headers.authorization, expected)) {
      throttle?.limiter.attempt(address);
      res.setHeader("WWW-Authenticate", 'Bearer realm="tollgate-metrics"');
      sendError(res, 401, "unauthorized", "GET /metrics needs Authorization: Bearer <TOLLGATE_METRICS_TOKEN>");
      return;
    }
    registry.metrics().then(
      (text) => {
        res.statusCode = 200;
        res.setHeader("Content-Type", registry.contentType);
        res.setHeader("Cache-Control", "no-store");
        res.end(req.method === "HEAD" ? undefined : text);
      },
      (err: unknown) => {
        sendError(res, 500, "internal_error", `collecting metrics failed: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  };
}

/** SHA-256 both sides so the comparison is constant-time whatever the presented token's length. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function authorized(header: string | undefined, expected: Buffer): boolean {
  const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  const presented = match?.[1];
  // Compare even when absent, so timing does not tell a missing header from a wrong token.
  const ok = timingSafeEqual(digest(presented ?? ""), expected);
  return ok && presented !== undefined;
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify({ error: { type, message } }));
}

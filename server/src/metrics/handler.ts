import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Metrics } from "./metrics.ts";

export interface MetricsHandlerOptions {
  /** TOLLGATE_METRICS_TOKEN: when set, scrapes must send `Authorization: Bearer <token>` */
  token?: string;
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
    if (expected && !authorized(req.headers.authorization, expected)) {
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

import type { IncomingMessage } from "node:http";
import { publicOrigin } from "../providers/batches/results-url.ts";
import { BodyCapture, replayHeaders } from "../recording/body-capture.ts";
import type { CallState } from "./call-state.ts";
import { splitRequestHeaders } from "./headers.ts";
import type { ProxyDeps } from "./proxy-deps.ts";
import { MAX_JSON_BODY } from "./relay-context.ts";
import type { Upstream } from "./upstream.ts";

/**
 * Reads what metering needs of a request whose body has arrived — its JSON, the adapter's view of it (model,
 * stream, endpoint) — and sets the call up: the body as sent on (the adapter may ask a stream for its
 * usage), body capture, the answer rewrite, attribution. Returns the headers and body to send upstream.
 */
export function prepareCall(
  deps: ProxyDeps,
  call: CallState,
  upstream: Upstream,
  req: IncomingMessage,
  path: string,
  query: string,
  body: Buffer,
): { headers: string[]; body: Buffer } {
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
  return { headers, body: outBody };
}

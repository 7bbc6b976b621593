import { TollgateError } from "../lib/errors.ts";
import type { CallState } from "../proxy/call-state.ts";

/**
 * Makes sure a metered request's body was read before a budget or a key's scope decides on it. The proxy
 * parses only JSON-typed bodies up to MAX_JSON_BODY (the plain path stays cheap), so a body sent as
 * text/plain or padded past that bound would otherwise look model-less and free. Here it is parsed whatever
 * its content type (it is already bounded by TOLLGATE_MAX_BODY_BYTES) and the request inspected again; a
 * body that is not a JSON object is refused (400) rather than forwarded unmetered.
 */
export function requireParsedBody(call: CallState): void {
  const request = call.request;
  if (call.json !== undefined || !request || request.body.length === 0) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new TollgateError(
      "invalid_request",
      "Tollgate could not parse this request's body as a JSON object; under a budget or a virtual key it must be one.",
    );
  }
  const json = parsed as Record<string, unknown>;
  call.json = json;
  call.info = call.adapter.inspect({ method: request.method, path: request.path, query: call.query, json });
}

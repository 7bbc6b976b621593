/** The failures Tollgate itself produces on the proxy path; each is also a call outcome (domain/call-record.ts). */
export type ProxyFailureKind = "network_error" | "timeout" | "client_cancelled" | "budget_blocked" | "auth_failed" | "proxy_error";

/** The kinds of error Tollgate itself produces; proxy kinds double as call outcomes. */
export type ErrorKind =
  ProxyFailureKind | "invalid_request" | "not_found" | "conflict" | "unauthorized" | "payload_too_large" | "internal_error";

const STATUS: Record<ErrorKind, number> = {
  network_error: 502,
  timeout: 504,
  client_cancelled: 499,
  budget_blocked: 429,
  auth_failed: 401,
  proxy_error: 500,
  invalid_request: 400,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  payload_too_large: 413,
  internal_error: 500,
};

/** An error as a value: a kind, a message safe to show the client, and its HTTP status. */
export class TollgateError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  constructor(kind: ErrorKind, message: string, status = STATUS[kind]) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

/** The one place a Tollgate error becomes the JSON body of the reporting API and admin routes. */
export function errorJson(err: TollgateError): string {
  return JSON.stringify({ error: { type: err.kind, message: err.message } });
}

export function toTollgateError(err: unknown): TollgateError {
  if (err instanceof TollgateError) return err;
  return new TollgateError("internal_error", "internal error");
}

// Who calls and how calls go: the apps (share of calls, users), the failures (share, what they look like) and
// the daily rhythm of the traffic.
import type { Outcome } from "../../server/src/domain/call-record.ts";

export const APPS: Array<{ name: string; weight: number; users: number }> = [
  { name: "support-bot", weight: 30, users: 2_000 },
  { name: "search", weight: 22, users: 5_000 },
  { name: "summarizer", weight: 15, users: 0 },
  { name: "code-review", weight: 14, users: 300 },
  { name: "batch-etl", weight: 14, users: 0 },
  { name: "internal-tools", weight: 5, users: 50 },
];

export /** Outcome shares in ‰ (the rest is ok), with what such a failure looks like. */
const FAILURES: Array<{ outcome: Outcome; perMille: number; status: number; errorType: string; message: string }> = [
  {
    outcome: "rate_limited",
    perMille: 20,
    status: 429,
    errorType: "rate_limit_exceeded",
    message: "Rate limit reached for requests per min (RPM): Limit 500.",
  },
  {
    outcome: "upstream_error",
    perMille: 15,
    status: 500,
    errorType: "server_error",
    message: "The server had an error while processing your request.",
  },
  { outcome: "timeout", perMille: 5, status: 504, errorType: "timeout", message: "no upstream byte within the timeout" },
  { outcome: "client_cancelled", perMille: 7, status: 499, errorType: "client_cancelled", message: "the client closed the connection" },
  {
    outcome: "network_error",
    perMille: 3,
    status: 502,
    errorType: "network_error",
    message: "ECONNRESET while reading the upstream response",
  },
  { outcome: "budget_blocked", perMille: 2, status: 429, errorType: "budget_exceeded", message: "monthly budget reached" },
  { outcome: "auth_failed", perMille: 2, status: 401, errorType: "invalid_api_key", message: "Incorrect API key provided." },
  { outcome: "proxy_error", perMille: 1, status: 500, errorType: "proxy_error", message: "internal error" },
];

export const APP_WEIGHT = APPS.reduce((s, a) => s + a.weight, 0);
/** Relative traffic by UTC hour: a working-day hump over a night floor. */
export const HOUR_WEIGHT = Array.from({ length: 24 }, (_, h) => 0.35 + Math.exp(-((h - 14) ** 2) / 18));
export const HOUR_MAX = Math.max(...HOUR_WEIGHT);

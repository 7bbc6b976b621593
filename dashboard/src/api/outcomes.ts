// Call outcomes in the order the dashboard lists them. A runtime list (the server's is not bundled), checked
// against the server's Outcome type both ways: a new outcome on the server fails the typecheck here.
import type { Outcome } from "./types.ts";

export const OUTCOMES = [
  "ok",
  "upstream_error",
  "bad_request",
  "rate_limited",
  "network_error",
  "timeout",
  "client_cancelled",
  "budget_blocked",
  "auth_failed",
  "proxy_error",
] as const satisfies readonly Outcome[];

type Missing = Exclude<Outcome, (typeof OUTCOMES)[number]>;
/** `true` only while OUTCOMES lists every server outcome; a missing one names itself in the error. */
const _complete: [Missing] extends [never] ? true : Missing = true;

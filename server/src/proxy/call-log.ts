import type { Logger } from "../lib/logger.ts";
import type { CallRecord, Outcome } from "../domain/call-record.ts";

/** Outcomes Tollgate itself decided (its upstream link, its limits): worth a warning an operator sees. */
const TOLLGATE_SIDE: ReadonlySet<Outcome> = new Set(["network_error", "timeout", "proxy_error"]);

/**
 * One log line per finished call, keyed by its call id. Only recorded fields are logged — never request
 * headers, query strings or bodies, so keys and tokens cannot leak. Calls that failed on Tollgate's side
 * log at warn; the rest at debug (off by default, and free when off).
 */
export function logCall(logger: Logger, record: CallRecord): void {
  if (TOLLGATE_SIDE.has(record.outcome)) {
    logger.warn(
      {
        callId: record.id,
        provider: record.provider,
        endpoint: record.endpoint,
        status: record.status,
        outcome: record.outcome,
        errorType: record.errorType,
        err: record.errorMessage,
      },
      "call failed",
    );
  } else if (logger.isLevelEnabled("debug")) {
    logger.debug(
      {
        callId: record.id,
        provider: record.provider,
        endpoint: record.endpoint,
        model: record.model,
        status: record.status,
        outcome: record.outcome,
        latencyMs: record.latencyMs,
        usageSource: record.usageSource,
      },
      "call",
    );
  }
}

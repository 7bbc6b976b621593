/** A W3C Trace Context (traceparent, tracestate) as a client sent it. */
export interface TraceContext {
  /** 32 lower-case hex digits */
  traceId: string;
  /** the caller's span: 16 lower-case hex digits */
  parentSpanId: string;
  /** trace-flags (bit 0: sampled) */
  flags: number;
  state: string | null;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/**
 * Parses a traceparent header by the W3C rules: version ff and all-zero ids are invalid, version 00 has no
 * trailing fields, later versions may add some (ignored). Invalid headers give null (the header is still
 * forwarded as it came).
 */
export function parseTraceparent(header: string | undefined, tracestate?: string): TraceContext | null {
  if (header === undefined) return null;
  const m = TRACEPARENT.exec(header.trim());
  if (!m) return null;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [string, string, string, string, string, string | undefined];
  if (version === "ff" || (version === "00" && rest !== undefined)) return null;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return null;
  const state = tracestate?.trim().slice(0, 512);
  return { traceId, parentSpanId: spanId, flags: parseInt(flags, 16), state: state || null };
}

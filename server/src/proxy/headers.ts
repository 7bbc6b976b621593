/** Hop-by-hop headers (RFC 9110 §7.6.1) never cross the proxy; content-length is recomputed. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  // Node's server has already answered `Expect: 100-continue`; the upstream request is sent whole.
  "expect",
]);

export interface Attribution {
  app: string | null;
  user: string | null;
  properties: Record<string, string> | null;
  /** x-tollgate-session: the agent run or conversation the call belongs to */
  session?: string | null;
  /** the W3C traceparent / tracestate the client sent (forwarded unchanged) */
  traceparent?: string;
  tracestate?: string;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * A header value as the client meant it. Node hands header bytes over as latin1 (one char per byte), so
 * UTF-8 text (`＝`) would read as mojibake (`ï¼\u009d`); bytes that are not valid UTF-8 become U+FFFD.
 * ASCII, nearly every value, is returned as it is.
 */
export function utf8(value: string): string {
  return NON_ASCII.test(value) ? Buffer.from(value, "latin1").toString("utf8") : value;
}

/**
 * Splits the client's raw headers into what goes upstream (as a flat raw list, case preserved) and
 * Tollgate's own x-tollgate-* attribution headers, which are read and stripped.
 */
export function splitRequestHeaders(raw: string[], identityEncoding: boolean): { upstream: string[]; attribution: Attribution } {
  const upstream: string[] = [];
  const attribution: Attribution = { app: null, user: null, properties: null };
  let connectionTokens: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    const lower = name.toLowerCase();
    if (lower.startsWith("x-tollgate-")) {
      if (lower === "x-tollgate-app") attribution.app = utf8(value).slice(0, 200) || null;
      else if (lower === "x-tollgate-user") attribution.user = utf8(value).slice(0, 200) || null;
      else if (lower === "x-tollgate-session") attribution.session = utf8(value).slice(0, 200) || null;
      else if (lower.startsWith("x-tollgate-property-") && lower.length > 20) {
        attribution.properties ??= {};
        attribution.properties[lower.slice(20)] = utf8(value).slice(0, 1000);
      }
      continue;
    }
    if (HOP_BY_HOP.has(lower)) {
      if (lower === "connection")
        connectionTokens = value
          .toLowerCase()
          .split(",")
          .map((t) => t.trim());
      continue;
    }
    if (lower === "traceparent") attribution.traceparent = value;
    else if (lower === "tracestate") attribution.tracestate = value;
    // Metered responses must arrive uncompressed so usage can be read; identity is always acceptable.
    if (identityEncoding && lower === "accept-encoding") continue;
    upstream.push(name, value);
  }
  if (connectionTokens) {
    const named = new Set(connectionTokens);
    for (let i = upstream.length - 2; i >= 0; i -= 2) {
      if (named.has((upstream[i] as string).toLowerCase())) upstream.splice(i, 2);
    }
  }
  if (identityEncoding) upstream.push("accept-encoding", "identity");
  return { upstream, attribution };
}

const RESPONSE_DROP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "trailer", "upgrade"]);

/** The upstream's raw response headers for the client: hop-by-hop removed, content-length kept unless the body changes. */
export function responseHeaders(raw: string[], callId: string, bodyChanges: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = (raw[i] as string).toLowerCase();
    if (RESPONSE_DROP.has(lower) || (bodyChanges && lower === "content-length")) continue;
    out.push(raw[i] as string, raw[i + 1] as string);
  }
  out.push("x-tollgate-call-id", callId);
  return out;
}

/** Reads one header from a raw list (lower-case name). */
export function rawHeader(raw: string[], lowerName: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if ((raw[i] as string).toLowerCase() === lowerName) return raw[i + 1];
  return undefined;
}

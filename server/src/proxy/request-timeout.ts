import type { Server } from "node:http";
import type { Socket } from "node:net";

const TIMED_OUT = Symbol("tollgate.requestTimedOut");
type MarkedSocket = Socket & { [TIMED_OUT]?: boolean; _httpMessage?: { headersSent?: boolean } | null };

/** Whether the connection was closed because its request did not arrive within TOLLGATE_REQUEST_TIMEOUT_MS. */
export function requestTimedOut(socket: Socket | null | undefined): boolean {
  return (socket as MarkedSocket | null)?.[TIMED_OUT] === true;
}

const BODY = JSON.stringify({
  error: { type: "request_timeout", message: "the request (headers and body) was not received within TOLLGATE_REQUEST_TIMEOUT_MS" },
});
const RESPONSE =
  "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n" +
  `content-length: ${Buffer.byteLength(BODY)}\r\nconnection: close\r\n\r\n${BODY}`;
/** after the 408, what the client still sends is read (and dropped) this long, so the close is not a reset */
const LINGER_MS = 2_000;

/**
 * Node's own limits on receiving a request: `requestTimeoutMs` for headers and body together (checked by
 * Node every `connectionsCheckingInterval`, set at creation), answered with a JSON 408 the client can read
 * rather than Node's bodyless one. A request received in full is not limited: a long answer streams on.
 */
export function limitRequests(server: Server, requestTimeoutMs: number, onClientError: (err: NodeJS.ErrnoException) => void): void {
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = requestTimeoutMs;
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    const s = socket as MarkedSocket;
    if (err.code !== "ERR_HTTP_REQUEST_TIMEOUT") {
      // What Node does without a listener: a bare 400 when nothing was answered yet, then close.
      const status = err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
      if (s.writable && !s._httpMessage?.headersSent) s.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
      s.destroy();
      onClientError(err);
      return;
    }
    s[TIMED_OUT] = true;
    if (!s.writable || s._httpMessage?.headersSent) {
      s.destroy();
      return;
    }
    s.end(RESPONSE);
    // Keep reading what is still on its way, then close: unread bytes at close would reset the connection.
    s.on("data", () => {});
    s.resume();
    setTimeout(() => s.destroy(), LINGER_MS).unref();
  });
}

/** How often Node checks connections against the request timeout: often enough to answer close to it. */
export function checkingIntervalFor(requestTimeoutMs: number): number {
  if (requestTimeoutMs === 0) return 30_000;
  return Math.max(50, Math.min(1_000, Math.floor(requestTimeoutMs / 4)));
}

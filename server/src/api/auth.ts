import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { clientAddress, LoginLimiter } from "./login-limiter.ts";

export const SESSION_COOKIE = "tollgate_session";

export interface AdminAuthOptions {
  /** TOLLGATE_ADMIN_TOKEN; unset → the API is open (Tollgate then listens on loopback only) */
  token: string | undefined;
  sessionHours: number;
  loginAttemptsPerMinute: number;
  /** TOLLGATE_TRUST_PROXY: proxies in front of Tollgate whose X-Forwarded-For entries are believed (0: none) */
  trustProxyHops?: number;
  now?: () => number;
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Constant-time whatever the lengths: both sides are hashed to 32 bytes first. */
function sameSecret(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(sha256(presented), expected);
}

function deny(res: Response, status: number, type: string, message: string): void {
  if (status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="tollgate"');
  res.status(status).type("application/json").send(JSON.stringify({ error: { type, message } }));
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Sessions are stateless so any replica accepts them: `<expiry>.<HMAC(sessionKey, expiry)>`, where the
 * session key is itself derived from the admin token. The cookie never contains the token, and changing the
 * token ends every session.
 */
class Sessions {
  private readonly key: Buffer;
  constructor(token: string, private readonly ttlMs: number) {
    this.key = createHmac("sha256", token).update("tollgate admin session v1").digest();
  }
  private mac(expiry: string): string {
    return createHmac("sha256", this.key).update(expiry).digest("base64url");
  }
  issue(now: number): { value: string; maxAgeSeconds: number } {
    const expiry = String(Math.floor((now + this.ttlMs) / 1000));
    return { value: `${expiry}.${this.mac(expiry)}`, maxAgeSeconds: Math.floor(this.ttlMs / 1000) };
  }
  valid(value: string, now: number): boolean {
    const dot = value.indexOf(".");
    if (dot <= 0) return false;
    const expiry = value.slice(0, dot);
    const ok = timingSafeEqual(sha256(value.slice(dot + 1)), sha256(this.mac(expiry)));
    return ok && /^\d+$/.test(expiry) && Number(expiry) * 1000 > now;
  }
}

function cookieHeader(req: Request, value: string, maxAgeSeconds: number): string {
  // Secure when the client reached us over TLS (directly or through a TLS-terminating proxy). A forged
  // x-forwarded-proto only makes the browser withhold the cookie over plain http: no gain for an attacker.
  const https = req.secure || req.headers["x-forwarded-proto"] === "https";
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${https ? "; Secure" : ""}`;
}

/**
 * A cross-site write riding on the cookie is refused even if a browser ignored SameSite. The origin may match
 * Host or, behind a reverse proxy that rewrites Host, X-Forwarded-Host (a page on another site cannot set
 * that header on a cross-site request without a CORS preflight, which gets no allowance).
 */
function crossOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (!origin || req.method === "GET" || req.method === "HEAD") return false;
  try {
    const host = new URL(origin).host;
    return host !== req.headers.host && host !== req.headers["x-forwarded-host"];
  } catch {
    return true;
  }
}

/**
 * Admin access for /api (mounted inside the /api router): `POST /api/login {"token"}` sets the session
 * cookie (rate-limited per client address, see clientAddress), `POST /api/logout` clears it, and every other route needs
 * `Authorization: Bearer <TOLLGATE_ADMIN_TOKEN>` or a valid session cookie.
 */
export function adminAuth(options: AdminAuthOptions): RequestHandler {
  const now = options.now ?? Date.now;
  const token = options.token;
  const expected = token ? sha256(token) : undefined;
  const sessions = token ? new Sessions(token, options.sessionHours * 3_600_000) : undefined;
  const limiter = new LoginLimiter(options.loginAttemptsPerMinute, 60_000, now);

  return (req, res, next) => {
    if (req.path === "/logout" && req.method === "POST") {
      res.setHeader("Set-Cookie", cookieHeader(req, "", 0));
      res.status(204).end();
      return;
    }
    if (req.path === "/login" && req.method === "POST") {
      const address = clientAddress(req, options.trustProxyHops ?? 0);
      const wait = limiter.attempt(address);
      if (wait > 0) {
        res.setHeader("Retry-After", String(Math.ceil(wait / 1000)));
        deny(res, 429, "rate_limited", "too many login attempts; try again later");
        return;
      }
      if (!expected || !sessions) {
        deny(res, 404, "not_found", "no admin token is configured (TOLLGATE_ADMIN_TOKEN); the API needs no login");
        return;
      }
      const presented = (req.body as { token?: unknown } | undefined)?.token;
      if (typeof presented !== "string" || !sameSecret(presented, expected)) {
        deny(res, 401, "unauthorized", "wrong admin token");
        return;
      }
      const session = sessions.issue(now());
      res.setHeader("Set-Cookie", cookieHeader(req, session.value, session.maxAgeSeconds));
      res.status(204).end();
      return;
    }
    if (!expected || !sessions) {
      next();
      return;
    }
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
      if (match && sameSecret(match[1]!, expected)) {
        next();
        return;
      }
      deny(res, 401, "unauthorized", "wrong admin token");
      return;
    }
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (cookie && sessions.valid(cookie, now())) {
      if (crossOrigin(req)) {
        deny(res, 403, "forbidden", "cross-origin request refused");
        return;
      }
      next();
      return;
    }
    deny(res, 401, "unauthorized", "the API needs Authorization: Bearer <TOLLGATE_ADMIN_TOKEN> or a session from POST /api/login");
  };
}

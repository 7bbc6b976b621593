import { createHash, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import type { AdminSessions } from "../access/admin-sessions.ts";
import { clientAddress, LoginLimiter } from "./login-limiter.ts";

export const SESSION_COOKIE = "tollgate_session";

export interface AdminAuthOptions {
  /** TOLLGATE_ADMIN_TOKEN; unset → the API is open (Tollgate then listens on loopback only) */
  token: string | undefined;
  /** the server-side sessions (needed when a token is set) */
  sessions: AdminSessions | undefined;
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
  res
    .status(status)
    .type("application/json")
    .send(JSON.stringify({ error: { type, message } }));
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
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

function tooMany(res: Response, wait: number, what: string): void {
  res.setHeader("Retry-After", String(Math.ceil(wait / 1000)));
  deny(res, 429, "rate_limited", `too many ${what}; try again later`);
}

/**
 * Admin access for /api (mounted inside the /api router): `POST /api/login {"token"}` starts a session
 * (rate-limited per client address, see clientAddress), `POST /api/logout` ends it server-side, and every
 * other route needs `Authorization: Bearer <TOLLGATE_ADMIN_TOKEN>` or a live session cookie. Wrong Bearer
 * tokens are limited per client like logins (their own count): a client over the limit gets 429, even with
 * the right token, until its window ends.
 */
export function adminAuth(options: AdminAuthOptions): RequestHandler {
  const now = options.now ?? Date.now;
  const token = options.token;
  const expected = token ? sha256(token) : undefined;
  const sessions = token ? options.sessions : undefined;
  const limiter = new LoginLimiter(options.loginAttemptsPerMinute, 60_000, now);
  // Failed Bearer tokens get the same policy, counted apart: a locked-out login form does not lock out API clients.
  const bearerLimiter = new LoginLimiter(options.loginAttemptsPerMinute, 60_000, now);

  return async (req, res, next) => {
    if (req.path === "/logout" && req.method === "POST") {
      const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (cookie && sessions) await sessions.revoke(cookie, now());
      res.setHeader("Set-Cookie", cookieHeader(req, "", 0));
      res.status(204).end();
      return;
    }
    const address = clientAddress(req, options.trustProxyHops ?? 0);
    if (req.path === "/login" && req.method === "POST") {
      const wait = limiter.attempt(address);
      if (wait > 0) {
        tooMany(res, wait, "login attempts");
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
      const session = await sessions.issue(now());
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
      const blocked = bearerLimiter.retryAfter(address);
      if (blocked > 0) {
        tooMany(res, blocked, "failed authentication attempts");
        return;
      }
      const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
      if (match && sameSecret(match[1]!, expected)) {
        next();
        return;
      }
      bearerLimiter.attempt(address);
      deny(res, 401, "unauthorized", "wrong admin token");
      return;
    }
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (cookie && (await sessions.valid(cookie, now()))) {
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

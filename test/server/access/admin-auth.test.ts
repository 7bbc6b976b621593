import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../server/src/app.ts";
import { ConfigError, loadConfig } from "../../../server/src/config.ts";
import { createLogger } from "../../../server/src/lib/logger.ts";
import { createMetrics } from "../../../server/src/metrics/index.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { ADMIN_TOKEN, startReplica, type Replica } from "./harness.ts";

let db: TestDatabase;
let tg: Replica;

beforeAll(async () => {
  db = await createTestDatabase();
  // The upstream is a closed local port: proxy calls fail fast with 502 instead of reaching the internet.
  tg = await startReplica(db, {
    TOLLGATE_METRICS_TOKEN: "metrics-token-abcdef",
    TOLLGATE_LOGIN_ATTEMPTS_PER_MINUTE: "1000",
    TOLLGATE_UPSTREAM_OPENAI: "http://127.0.0.1:1",
  });
});
afterAll(async () => {
  await tg?.close();
  await db?.drop();
});

interface Route {
  method: string;
  path: string;
}

/** Every route mounted under /api, read from the Express app itself, so routes added later are covered too. */
function apiRoutes(): Route[] {
  const routes: Route[] = [];
  type Layer = { rawPath?: string; route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route)
        for (const m of Object.keys(layer.route.methods)) routes.push({ method: m.toUpperCase(), path: `/api${layer.route.path}` });
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  const top = (tg.tollgate.app.express as unknown as { router: { stack: Layer[] } }).router.stack;
  for (const layer of top) if (layer.rawPath === "/api" && layer.handle?.stack) walk(layer.handle.stack);
  return routes.map((r) => ({
    method: r.method,
    path: r.path
      .replace(/:id\b/g, randomUUID())
      .replace(/:app\b/g, "someapp")
      .replace(/:(\w+)/g, "x"),
  }));
}

async function send(route: Route, headers: Record<string, string>): Promise<Response> {
  const body = route.method === "GET" || route.method === "DELETE" ? undefined : "{}";
  return fetch(`${tg.url}${route.path}`, {
    method: route.method,
    headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
    body,
  });
}

describe("admin access to /api", () => {
  it("guards every /api route: no token and a wrong token get 401 JSON, the right token gets through", async () => {
    const routes = apiRoutes();
    const names = routes.map((r) => `${r.method} ${r.path.split("/").slice(0, 3).join("/")}`);
    for (const expected of [
      "GET /api/calls",
      "GET /api/spend",
      "GET /api/prices",
      "POST /api/prices",
      "POST /api/keys",
      "GET /api/keys",
      "DELETE /api/keys",
      "GET /api/budgets",
      "PUT /api/budgets",
      "DELETE /api/budgets",
    ]) {
      expect(names).toContain(expected);
    }
    for (const route of routes) {
      const attempts: Array<Record<string, string>> = [
        {},
        { authorization: "Bearer wrong-token-wrong-token-1234" },
        { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString("base64")}` },
      ];
      for (const headers of attempts) {
        const res = await send(route, headers);
        expect(res.status, `${route.method} ${route.path} with ${JSON.stringify(headers)}`).toBe(401);
        expect(res.headers.get("content-type")).toContain("application/json");
        const body = (await res.json()) as { error: { type: string; message: string } };
        expect(body.error.type).toBe("unauthorized");
        expect(JSON.stringify(body)).not.toContain(ADMIN_TOKEN);
      }
      const ok = await send(route, { authorization: `Bearer ${ADMIN_TOKEN}` });
      expect([401, 403], `${route.method} ${route.path} with the token`).not.toContain(ok.status);
      expect(ok.status, `${route.method} ${route.path}`).toBeLessThan(500);
    }
  });

  it("logs in with the token: an HttpOnly, SameSite=Strict session cookie that is not the token", async () => {
    const wrong = await fetch(`${tg.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: "not-the-token-000000" }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();

    const login = await fetch(`${tg.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: ADMIN_TOKEN }),
    });
    expect(login.status).toBe(204);
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^tollgate_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(setCookie).not.toContain(ADMIN_TOKEN);
    const cookie = setCookie.split(";")[0]!;

    const withCookie = await fetch(`${tg.url}/api/calls`, { headers: { cookie } });
    expect(withCookie.status).toBe(200);
    const tampered = await fetch(`${tg.url}/api/calls`, {
      headers: { cookie: cookie.replace(/\.(\d+)\./, (_m, e: string) => `.${Number(e) + 1000}.`) },
    });
    expect(tampered.status).toBe(401);

    // A cookie-authenticated write from another origin is refused even though the cookie is valid.
    const crossSite = await fetch(`${tg.url}/api/budgets/x`, {
      method: "PUT",
      headers: { cookie, origin: "https://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ monthlyUsd: "1", action: "block" }),
    });
    expect(crossSite.status).toBe(403);
    // The dashboard's own writes (same origin, directly or through a proxy that rewrites Host) go through.
    const host = new URL(tg.url).host;
    const sameSite = await fetch(`${tg.url}/api/budgets/x`, {
      method: "PUT",
      headers: { cookie, origin: `http://${host}`, "content-type": "application/json" },
      body: JSON.stringify({ monthlyUsd: "1", action: "block" }),
    });
    expect(sameSite.status).toBe(200);
    const proxied = await fetch(`${tg.url}/api/budgets/x`, {
      method: "PUT",
      headers: {
        cookie,
        origin: "https://tollgate.example.com",
        "x-forwarded-host": "tollgate.example.com",
        "content-type": "application/json",
      },
      body: JSON.stringify({ monthlyUsd: "2", action: "block" }),
    });
    expect(proxied.status).toBe(200);

    const logout = await fetch(`${tg.url}/api/logout`, { method: "POST", headers: { cookie } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get("set-cookie")).toMatch(/^tollgate_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
  });

  it("ends the session server-side on logout: the old cookie no longer works, and the table holds only a hash of its id", async () => {
    const login = await fetch(`${tg.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: ADMIN_TOKEN }),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const id = cookie.slice(cookie.indexOf("=") + 1).split(".")[0]!;
    expect((await fetch(`${tg.url}/api/calls`, { headers: { cookie } })).status).toBe(200);
    const { rows } = await db.pool.query<{ id_hash: string }>(`SELECT id_hash FROM admin_sessions`);
    expect(rows.map((r) => r.id_hash)).toContain(createHash("sha256").update(id).digest("hex"));
    expect(JSON.stringify(rows)).not.toContain(id);

    expect((await fetch(`${tg.url}/api/logout`, { method: "POST", headers: { cookie } })).status).toBe(204);
    const after = await fetch(`${tg.url}/api/calls`, { headers: { cookie } });
    expect(after.status).toBe(401);
  });

  it("ends every session when the admin token changes", async () => {
    const login = await fetch(`${tg.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: ADMIN_TOKEN }),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const rotated = await startReplica(db, { TOLLGATE_ADMIN_TOKEN: "a-brand-new-admin-token-0987654321" });
    try {
      expect((await fetch(`${rotated.url}/api/calls`, { headers: { cookie } })).status).toBe(401);
      expect((await rotated.admin("/api/calls")).status).toBe(200);
    } finally {
      await rotated.close();
    }
    expect((await fetch(`${tg.url}/api/calls`, { headers: { cookie } })).status).toBe(200);
  });

  it("throttles failed Bearer tokens per client on the admin API and /metrics (429, then even the right token waits)", async () => {
    const limited = await startReplica(db, { TOLLGATE_LOGIN_ATTEMPTS_PER_MINUTE: "3", TOLLGATE_METRICS_TOKEN: "metrics-token-abcdef" });
    try {
      const guess = (path: string, token: string) => fetch(`${limited.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      for (const [path, right] of [
        ["/api/keys", ADMIN_TOKEN],
        ["/metrics", "metrics-token-abcdef"],
      ] as const) {
        for (let i = 0; i < 3; i++) expect((await guess(path, `wrong-guess-${i}-0000000000`)).status, path).toBe(401);
        const blocked = await guess(path, "wrong-guess-3-0000000000");
        expect(blocked.status, path).toBe(429);
        expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
        expect((await guess(path, right)).status, path).toBe(429);
      }
    } finally {
      await limited.close();
    }
  });

  it("marks the cookie Secure when the request came over https", async () => {
    const login = await fetch(`${tg.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-proto": "https" },
      body: JSON.stringify({ token: ADMIN_TOKEN }),
    });
    expect(login.status).toBe(204);
    expect(login.headers.get("set-cookie")).toMatch(/; Secure$/);
  });

  it("rate-limits login attempts per client address (429 after the limit, even for the right token)", async () => {
    const limited = await startReplica(db, { TOLLGATE_LOGIN_ATTEMPTS_PER_MINUTE: "3" });
    try {
      const attempt = (token: string) =>
        fetch(`${limited.url}/api/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ token }),
        });
      expect((await attempt("wrong-1")).status).toBe(401);
      expect((await attempt("wrong-2")).status).toBe(401);
      expect((await attempt("wrong-3")).status).toBe(401);
      const blocked = await attempt(ADMIN_TOKEN);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await blocked.json()) as { error: { type: string } }).error.type).toBe("rate_limited");
      // The bearer token still works: only login attempts are limited.
      expect((await limited.admin("/api/keys")).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("keeps CORS closed: no Access-Control-Allow-Origin, and preflights get no allowance", async () => {
    const get = await fetch(`${tg.url}/api/calls`, { headers: { origin: "https://evil.example", authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(get.status).toBe(200);
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await fetch(`${tg.url}/api/keys`, {
      method: "OPTIONS",
      headers: {
        origin: "https://evil.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.headers.get("access-control-allow-methods")).toBeNull();
    expect(preflight.headers.get("access-control-allow-headers")).toBeNull();
  });

  it("puts a request id on API responses, and never lets them be cached", async () => {
    const a = await tg.admin("/api/keys");
    const b = await fetch(`${tg.url}/api/keys`);
    expect(a.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
    expect(a.headers.get("cache-control")).toBe("no-store");
    const echoed = await tg.admin("/api/keys", { headers: { "x-request-id": "trace-42" } });
    expect(echoed.headers.get("x-request-id")).toBe("trace-42");
  });

  it("leaves the proxy routes open to pass-through keys", async () => {
    // No admin token on a proxy path: it is forwarded (here to an unreachable upstream, so 502), not 401.
    const res = await fetch(`${tg.url}/openai/v1/models`, { headers: { authorization: "Bearer sk-passthrough-0000000000" } });
    expect(res.status).toBe(502);
    expect(res.headers.get("x-tollgate-call-id")).toBeTruthy();
  });
});

describe("/metrics behind TOLLGATE_METRICS_TOKEN", () => {
  it("answers 401 without or with a wrong token, 200 with the right one; the admin token is not it", async () => {
    expect((await fetch(`${tg.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${tg.url}/metrics`, { headers: { authorization: "Bearer nope-nope" } })).status).toBe(401);
    expect((await fetch(`${tg.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(401);
    const ok = await fetch(`${tg.url}/metrics`, { headers: { authorization: "Bearer metrics-token-abcdef" } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("tollgate_requests_total");
  });
});

describe("start-up refusal", () => {
  it("refuses a non-loopback HOST without TOLLGATE_ADMIN_TOKEN, naming the variable", () => {
    for (const host of ["0.0.0.0", "::", "10.1.2.3"]) {
      expect(() => loadConfig({ HOST: host })).toThrow(ConfigError);
      expect(() => loadConfig({ HOST: host })).toThrow(/TOLLGATE_ADMIN_TOKEN/);
    }
    expect(loadConfig({ HOST: "0.0.0.0", TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN }).host).toBe("0.0.0.0");
    expect(loadConfig({ HOST: "127.0.0.1" }).adminToken).toBeUndefined();
    expect(() => loadConfig({ TOLLGATE_ADMIN_TOKEN: "short" })).toThrow(/TOLLGATE_ADMIN_TOKEN/);
  });
});

describe("the dashboard", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-dashboard-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>Tollgate</title>");
    const config = loadConfig({ DATABASE_URL: db.url, TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN });
    const app = buildApp({
      config,
      db,
      metrics: createMetrics({ defaultMetrics: false }),
      logger: createLogger("silent"),
      metering: { priceCall: () => ({ costUsd: null, priceId: null, priced: false }), onFailure: () => {} },
      record: () => {},
      adminGuards: tg.tollgate.access.adminGuards,
      dashboardDir: dir,
    });
    server = createServer(app.handler);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("loads without auth (the login form lives there) with CSP, no framing, nosniff and no referrer", async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<title>Tollgate</title>");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    // …while its data (/api) stays behind the token.
    expect((await fetch(`${url}/api/calls`)).status).toBe(401);
  });
});

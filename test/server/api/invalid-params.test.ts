import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";

const TOKEN = "admin-token-for-invalid-params";
let tg: TestTollgate;

beforeAll(async () => {
  tg = await startTestTollgate({ TOLLGATE_ADMIN_TOKEN: TOKEN });
});
afterAll(async () => {
  await tg?.close();
});

interface Route {
  method: string;
  path: string;
}

interface Layer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every route Express knows under a router, with its full path (mount paths joined). */
function routesOf(stack: Layer[], prefix: string): Route[] {
  const out: Route[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) out.push({ method: method.toUpperCase(), path: prefix + layer.route.path });
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === "string" && layer.rawPath !== "/" ? layer.rawPath : "";
      out.push(...routesOf(layer.handle.stack, prefix + mount));
    }
  }
  return out;
}

function apiRoutes(): Route[] {
  const router = (tg.tollgate.app.express as unknown as { router: { stack: Layer[] } }).router;
  return routesOf(router.stack, "").filter((r) => r.path.startsWith("/api/") && r.path !== "/api/login" && r.path !== "/api/logout");
}

async function call(method: string, path: string, body?: string): Promise<{ status: number; message: string }> {
  const res = await fetch(`${tg.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body,
  });
  const text = await res.text();
  let message = text;
  try {
    message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
  } catch {
    // CSV or empty
  }
  return { status: res.status, message };
}

const withParams = (path: string, value: string) => path.replace(/:(\w+)/g, value);
/** JSON text of a body whose every field a route might read is `raw` (a JSON string literal's inside) */
const bodyWith = (raw: string) =>
  `{${[
    "app",
    "name",
    "provider",
    "model",
    "monthlyUsd",
    "action",
    "unpriced",
    "keyId",
    "matchType",
    "inputUsdPerMTok",
    "outputUsdPerMTok",
    "effectiveFrom",
    "endpoints",
  ]
    .map((k) => `"${k}":"${raw}"`)
    .join(",")}}`;

describe("admin API parameters that are not text Postgres can hold", () => {
  it("finds every route (the sweep below cannot pass by finding none)", () => {
    const found = apiRoutes().map((r) => `${r.method} ${r.path}`);
    for (const known of [
      "GET /api/calls",
      "GET /api/calls/:id",
      "GET /api/spend",
      "GET /api/failures",
      "GET /api/latency",
      "GET /api/prices",
      "POST /api/prices",
      "GET /api/keys",
      "POST /api/keys",
      "DELETE /api/keys/:id",
      "GET /api/budgets",
      "PUT /api/budgets/:app",
      "DELETE /api/budgets/:app",
    ]) {
      expect(found).toContain(known);
    }
  });

  it("NUL in a query parameter gets 400 naming it, on every route", async () => {
    for (const r of apiRoutes()) {
      const path = withParams(r.path, "x");
      for (const name of ["app", "from", "provider", "model", "cursor", "keyId", "limit"]) {
        const res = await call(r.method, `${path}?${name}=%00`, r.method === "GET" || r.method === "DELETE" ? undefined : "{}");
        expect({ route: `${r.method} ${r.path}`, name, status: res.status }).toEqual({ route: `${r.method} ${r.path}`, name, status: 400 });
        expect(res.message).toContain(name);
        expect(res.message).toContain("NUL");
      }
    }
  });

  it("NUL in a path parameter gets 400, on every route that has one", async () => {
    const withParam = apiRoutes().filter((r) => r.path.includes(":"));
    expect(withParam.length).toBeGreaterThan(0);
    for (const r of withParam) {
      const res = await call(r.method, withParams(r.path, "a%00b"), r.method === "PUT" || r.method === "POST" ? bodyWith("x") : undefined);
      expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({ route: `${r.method} ${r.path}`, status: 400 });
      expect(res.message).toContain("NUL");
    }
  });

  it("NUL or a lone surrogate in a JSON body field gets 400 naming it, on every route that takes a body", async () => {
    const withBody = apiRoutes().filter((r) => r.method === "POST" || r.method === "PUT");
    expect(withBody.length).toBeGreaterThan(0);
    for (const r of withBody) {
      for (const [raw, why] of [
        ["a\\u0000b", "NUL"],
        ["a\\ud800b", "Unicode"],
      ] as const) {
        const res = await call(r.method, withParams(r.path, "x"), bodyWith(raw));
        expect({ route: `${r.method} ${r.path}`, raw, status: res.status }).toEqual({ route: `${r.method} ${r.path}`, raw, status: 400 });
        expect(res.message).toContain(why);
      }
    }
  });

  it("other malformed values never get a 500", async () => {
    const values = ["not-a-uuid", "%E0%A4%A", "%ED%A0%80", "99999999999999999999", "-1", "1e309", encodeURIComponent("x".repeat(5000))];
    for (const r of apiRoutes()) {
      for (const v of values) {
        const path = `${withParams(r.path, v)}?app=${v}&from=${v}&to=${v}&limit=${v}&cursor=${v}&model=${v}&provider=${v}&keyId=${v}`;
        const res = await call(r.method, path, r.method === "PUT" || r.method === "POST" ? bodyWith(decodeURIComponentSafe(v)) : undefined);
        expect({ route: `${r.method} ${r.path}`, v, status: res.status < 500 }).toEqual({
          route: `${r.method} ${r.path}`,
          v,
          status: true,
        });
      }
    }
  });

  it("the spend report's app filter with %00 (the reported case) gets 400, and the server is fine after", async () => {
    const res = await call("GET", "/api/spend?app=%00");
    expect(res.status).toBe(400);
    expect(res.message).toBe("query parameter app: contains a NUL character");
    expect((await call("GET", "/api/spend?app=checkout")).status).toBe(200);
  });
});

function decodeURIComponentSafe(v: string): string {
  try {
    return JSON.stringify(decodeURIComponent(v)).slice(1, -1);
  } catch {
    return v;
  }
}

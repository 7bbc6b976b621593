import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddress } from "../../../server/src/api/login-limiter.ts";
import { loadConfig } from "../../../server/src/config.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { startReplica, type Replica } from "./harness.ts";

// The login limiter behind a load balancer. A real proxy stands in front of Tollgate and appends the address
// it received each request from to X-Forwarded-For; the clients connect to it from different loopback
// addresses (127.0.0.2, 127.0.0.3), so Tollgate itself only ever sees the balancer's address.
let db: TestDatabase;
const opened: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
  await db?.drop();
});

async function balancer(target: string): Promise<string> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const prior = req.headers["x-forwarded-for"];
    const forwarded = `${prior ? `${String(prior)}, ` : ""}${req.socket.remoteAddress}`;
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, "x-forwarded-for": forwarded },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  opened.push({ close: () => new Promise((r) => server.close(() => r())) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** POST /api/login from a given local address, optionally with a forged X-Forwarded-For. */
function login(url: string, from: string, forged?: string): Promise<number> {
  const target = new URL(`${url}/api/login`);
  const body = JSON.stringify({ token: "wrong-token-for-the-limiter-test" });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        localAddress: from,
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...(forged ? { "x-forwarded-for": forged } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function tollgate(env: Record<string, string>): Promise<Replica> {
  const replica = await startReplica(db, { TOLLGATE_LOGIN_ATTEMPTS_PER_MINUTE: "2", ...env });
  opened.push(replica);
  return replica;
}

describe("login rate limit per client address behind a load balancer", () => {
  it("with TOLLGATE_TRUST_PROXY=1 each client behind the balancer has its own limit, and a forged X-Forwarded-For does not escape it", async () => {
    const lb = await balancer((await tollgate({ TOLLGATE_TRUST_PROXY: "1" })).url);
    expect(await login(lb, "127.0.0.2")).toBe(401);
    expect(await login(lb, "127.0.0.2")).toBe(401);
    expect(await login(lb, "127.0.0.2")).toBe(429);
    // Another client through the same balancer is not limited by the first one's attempts.
    expect(await login(lb, "127.0.0.3")).toBe(401);
    expect(await login(lb, "127.0.0.3", "10.9.9.9")).toBe(401); // the balancer's entry counts, not the forged one
    expect(await login(lb, "127.0.0.3", "10.9.9.8")).toBe(429);
    expect(await login(lb, "127.0.0.2", "10.9.9.7, 10.9.9.6")).toBe(429);
  });

  it("by default (TOLLGATE_TRUST_PROXY unset) X-Forwarded-For is ignored: the socket's address is the key", async () => {
    const direct = await tollgate({});
    const lb = await balancer(direct.url);
    expect(await login(lb, "127.0.0.2")).toBe(401);
    expect(await login(lb, "127.0.0.3")).toBe(401);
    expect(await login(lb, "127.0.0.4")).toBe(429); // every client shares the balancer's address
    // Talking to Tollgate directly, a client cannot buy fresh attempts by writing the header itself.
    expect(await login(direct.url, "127.0.0.5", "10.0.0.1")).toBe(401);
    expect(await login(direct.url, "127.0.0.5", "10.0.0.2")).toBe(401);
    expect(await login(direct.url, "127.0.0.5", "10.0.0.3")).toBe(429);
  });

  it("picks the client from the chain by the number of trusted hops", () => {
    const req = (xff: string | undefined, peer = "192.0.2.1") =>
      ({ headers: xff === undefined ? {} : { "x-forwarded-for": xff }, socket: { remoteAddress: peer } }) as Parameters<
        typeof clientAddress
      >[0];
    expect(clientAddress(req("203.0.113.7"), 0)).toBe("192.0.2.1");
    expect(clientAddress(req(undefined), 1)).toBe("192.0.2.1");
    expect(clientAddress(req("203.0.113.7"), 1)).toBe("203.0.113.7");
    expect(clientAddress(req("6.6.6.6, 203.0.113.7"), 1)).toBe("203.0.113.7");
    expect(clientAddress(req("6.6.6.6, 203.0.113.7, 10.0.0.2"), 2)).toBe("203.0.113.7"); // CDN → LB → Tollgate
    expect(clientAddress(req("203.0.113.7"), 3)).toBe("203.0.113.7"); // fewer hops than configured: the leftmost
    expect(() => loadConfig({ TOLLGATE_TRUST_PROXY: "-1" })).toThrow(/TOLLGATE_TRUST_PROXY/);
    expect(() => loadConfig({ TOLLGATE_TRUST_PROXY: "yes" })).toThrow(/TOLLGATE_TRUST_PROXY/);
    expect(loadConfig({}).access.trustProxyHops).toBe(0);
  });
});

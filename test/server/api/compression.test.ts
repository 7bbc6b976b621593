import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../server/src/app.ts";
import { loadConfig } from "../../../server/src/config.ts";
import { createLogger } from "../../../server/src/lib/logger.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import { createMetrics } from "../../../server/src/metrics/index.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { call } from "./fixtures.ts";

const JS = `console.log(${JSON.stringify("tollgate ".repeat(500))});`;
let db: TestDatabase;
let fake: FakeOpenAi;
let server: Server;
let port: number;

/** A raw GET/POST (fetch would decode the body and hide Content-Encoding's effect). */
function raw(
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: body ? "POST" : "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await startFakeOpenAi();
  const dir = mkdtempSync(join(tmpdir(), "tollgate-dashboard-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), `<!doctype html><title>Tollgate</title><script src="/assets/index-abc123.js"></script>`);
  writeFileSync(join(dir, "assets", "index-abc123.js"), JS);
  writeFileSync(join(dir, "assets", "index-abc123.js.br"), brotliCompressSync(JS));
  writeFileSync(join(dir, "assets", "index-abc123.js.gz"), gzipSync(JS));
  const config = loadConfig({ DATABASE_URL: db.url, TOLLGATE_UPSTREAM_OPENAI: fake.url, OPENAI_API_KEY: "sk-test" });
  const app = buildApp({
    config,
    db,
    metrics: createMetrics({ defaultMetrics: false }),
    logger: createLogger("silent"),
    metering: { priceCall: () => ({ costUsd: null, priceId: null, priced: false }), onFailure: () => {} },
    record: () => {},
    dashboardDir: dir,
  });
  server = createServer(app.handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  const calls = Array.from({ length: 40 }, (_, i) => call({ at: new Date(Date.UTC(2026, 10, 10, 10, i)).toISOString(), app: `app-${i}` }));
  await insertCalls(db.pool, calls);
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await fake.close();
  await db.drop();
});

describe("delivery", () => {
  it("serves hashed assets precompressed by Accept-Encoding and cached for good; index.html revalidated", async () => {
    const br = await raw("/assets/index-abc123.js", { "accept-encoding": "gzip, deflate, br" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["content-type"]).toMatch(/javascript/);
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    expect(brotliDecompressSync(br.bytes).toString()).toBe(JS);
    const gz = await raw("/assets/index-abc123.js", { "accept-encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.bytes).toString()).toBe(JS);
    const plain = await raw("/assets/index-abc123.js", {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.bytes.toString()).toBe(JS);
    expect(plain.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const index = await raw("/", { "accept-encoding": "br" });
    expect(index.headers["cache-control"]).toBe("no-cache");
  });

  it("compresses API JSON above 1 KB, not below", async () => {
    const range = "from=2026-11-10T10:00:00Z&to=2026-11-10T11:00:00Z";
    const big = await raw(`/api/spend?${range}&groupBy=app`, { "accept-encoding": "br" });
    expect(big.status).toBe(200);
    expect(big.headers["content-encoding"]).toBe("br");
    expect(big.headers["content-type"]).toMatch(/application\/json/);
    const body = JSON.parse(brotliDecompressSync(big.bytes).toString()) as { groups: unknown[] };
    expect(body.groups).toHaveLength(40);
    const gz = await raw(`/api/spend?${range}&groupBy=app`, { "accept-encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(gunzipSync(gz.bytes).toString())).toEqual(body);
    const small = await raw("/api/reports/source", { "accept-encoding": "br" });
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(small.bytes.toString())).toHaveProperty("source");
  });

  it("never compresses the proxy path", async () => {
    const input = Array.from({ length: 30 }, (_, i) => `text ${i}`);
    const res = await raw(
      "/openai/v1/embeddings",
      { "accept-encoding": "br, gzip", "content-type": "application/json", authorization: "Bearer sk-test" },
      JSON.stringify({ model: "text-embedding-3-small", input }),
    );
    expect(res.status).toBe(200);
    expect(res.bytes.length).toBeGreaterThan(1024);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect((JSON.parse(res.bytes.toString()) as { data: unknown[] }).data).toHaveLength(30);
  });
});

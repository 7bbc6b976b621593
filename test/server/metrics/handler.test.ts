import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createMetrics, metricsHandler } from "../../../server/src/metrics/index.ts";
import { parsePromText } from "../../support/prom-text.ts";
import { callRecord } from "../../support/call-record.ts";

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(token?: string): Promise<string> {
  const metrics = createMetrics({ maxApps: 5, maxModels: 5 });
  metrics.observeCall(callRecord({ inputTokens: 7 }));
  server = createServer(metricsHandler(metrics, { token }));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

describe("metricsHandler", () => {
  it("serves the registry in Prometheus text format", async () => {
    const url = await serve();
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = parsePromText(await res.text());
    expect(text.value("tollgate_tokens_total", { type: "input" })).toBe(7);
    expect(text.families()).toContain("process_resident_memory_bytes");
  });

  it("requires the bearer token when one is configured", async () => {
    const url = await serve("s3cret-metrics-token");
    for (const authorization of [undefined, "Bearer wrong", "Bearer s3cret-metrics-tokenX", "Basic czNjcmV0", "Bearer "]) {
      const res = await fetch(url, { headers: authorization ? { authorization } : {} });
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      const body = (await res.json()) as { error: { type: string; message: string } };
      expect(body.error.type).toBe("unauthorized");
      expect(body.error.message).toMatch(/TOLLGATE_METRICS_TOKEN/);
    }
    const ok = await fetch(url, { headers: { authorization: "Bearer s3cret-metrics-token" } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("tollgate_requests_total");
  });

  it("accepts HEAD and refuses other methods", async () => {
    const url = await serve();
    expect((await fetch(url, { method: "HEAD" })).status).toBe(200);
    const post = await fetch(url, { method: "POST" });
    expect(post.status).toBe(405);
    expect(((await post.json()) as { error: { type: string } }).error.type).toBe("method_not_allowed");
  });
});

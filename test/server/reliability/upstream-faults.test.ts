import { writeFileSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";
import { GARBAGE_JSON, GARBAGE_SSE, startFaultyUpstream, type FaultyUpstream } from "./faulty-upstream.ts";

let upstream: FaultyUpstream;
let tg: TestTollgate;
const sent: string[] = [];

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  upstream = await startFaultyUpstream();
  const config = join(mkdtempSync(join(tmpdir(), "tollgate-faults-")), "tollgate.json");
  writeFileSync(
    config,
    JSON.stringify({
      providers: [
        { name: "refused", baseUrl: `http://127.0.0.1:${await closedPort()}` },
        { name: "nodns", baseUrl: "http://tollgate-no-such-host.invalid" },
      ],
    }),
  );
  tg = await startTestTollgate({ TOLLGATE_UPSTREAM_OPENAI: upstream.url, TOLLGATE_UPSTREAM_TIMEOUT_MS: "800", TOLLGATE_CONFIG: config });
});
afterAll(async () => {
  await tg?.close();
  await upstream?.close();
});

function chat(provider: string, model: string, stream = false): Promise<Response> {
  return fetch(`${tg.url}/${provider}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-secret-not-logged" },
    body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "Tell me something about the sea." }] }),
  }).then((res) => {
    sent.push(res.headers.get("x-tollgate-call-id") ?? "(none)");
    return res;
  });
}

async function recorded(id: string | null): Promise<Record<string, unknown>> {
  expect(id).toBeTruthy();
  return eventually(async () => {
    await tg.tollgate.recorder.flush();
    const res = await fetch(`${tg.url}/api/calls/${id}`);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  });
}

/** Reads a streamed body until it ends or is cut; returns the text and whether it was cut. */
async function readAll(res: Response): Promise<{ text: string; cut: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, cut: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, cut: true };
  }
}

describe("upstream faults", () => {
  it("connection refused → 502 in OpenAI's error shape, recorded network_error", async () => {
    const res = await chat("refused", "gpt-4o-mini");
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe("network_error");
    expect(body.error.message).toContain("ECONNREFUSED");
    expect(await recorded(res.headers.get("x-tollgate-call-id"))).toMatchObject({
      provider: "refused",
      status: 502,
      outcome: "network_error",
      usageSource: "none",
    });
  });

  it("DNS failure → 502, recorded network_error", async () => {
    const res = await chat("nodns", "gpt-4o-mini");
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("network_error");
    const call = await recorded(res.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ provider: "nodns", status: 502, outcome: "network_error" });
    expect(String(call.errorMessage)).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it("no first byte within TOLLGATE_UPSTREAM_TIMEOUT_MS → 504 timeout, and the upstream request is closed", async () => {
    const before = upstream.requests.length;
    const res = await chat("openai", "hang");
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("timeout");
    expect(await recorded(res.headers.get("x-tollgate-call-id"))).toMatchObject({ status: 504, outcome: "timeout", usageSource: "none" });
    const request = upstream.requests[before]!;
    expect(request.model).toBe("hang");
    await request.closed;
    expect(request.isClosed()).toBe(true);
  });

  it("a stall mid-stream ends as timeout: the client sees the cut, tokens are estimated", async () => {
    const res = await chat("openai", "stall", true);
    expect(res.status).toBe(200);
    const { text, cut } = await readAll(res);
    expect(cut).toBe(true);
    expect(text).toContain('"content":" there"');
    const call = await recorded(res.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ stream: true, status: 200, outcome: "timeout", usageSource: "estimated" });
    expect(call.outputTokens).toBeGreaterThan(0);
    expect(call.inputTokens).toBeGreaterThan(0);
  });

  it("a stream cut mid-way: the client sees the cut, recorded network_error with estimated tokens", async () => {
    const res = await chat("openai", "cut", true);
    const { text, cut } = await readAll(res);
    expect(cut).toBe(true);
    expect(text).toContain('"content":"Hello"');
    const call = await recorded(res.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ stream: true, outcome: "network_error", errorType: "stream_cut", usageSource: "estimated" });
  });

  it("garbage JSON is passed through byte for byte and recorded", async () => {
    const res = await chat("openai", "garbage-json");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(GARBAGE_JSON);
    const call = await recorded(res.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ status: 200, responseBytes: Buffer.byteLength(GARBAGE_JSON) });
  });

  it("a garbage event stream is passed through byte for byte and recorded", async () => {
    const res = await chat("openai", "garbage-sse", true);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(GARBAGE_SSE)).toBe(true);
    const call = await recorded(res.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({ stream: true, status: 200, responseBytes: GARBAGE_SSE.length });
  });

  it("after all that the proxy still serves, and every call was recorded exactly once", async () => {
    const res = await chat("openai", "gpt-4o-mini");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: unknown[] }).choices).toHaveLength(1);
    await tg.tollgate.recorder.flush();
    const { rows } = await tg.db.pool.query<{ id: string; n: string }>("SELECT id, count(*) AS n FROM calls GROUP BY id");
    expect(rows.every((r) => r.n === "1")).toBe(true);
    expect(rows.map((r) => r.id).sort()).toEqual([...sent].sort());
    expect(tg.tollgate.app.proxy.inFlight()).toBe(0);
  });
});

import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { openai } from "../../../server/src/providers/openai/adapter.ts";
import { parsePromText } from "../../support/prom-text.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";
import { eventually } from "../../support/tollgate.ts";
import { startFaultyUpstream } from "./faulty-upstream.ts";

const MAX = 4096;

const tg = useProxyFixture({ fake: startFaultyUpstream, routes: ["OPENAI"], env: () => ({ TOLLGATE_MAX_BODY_BYTES: String(MAX) }) });

async function recorded(id: string | null | undefined): Promise<Record<string, unknown>> {
  expect(id).toBeTruthy();
  return eventually(async () => {
    await tg.tollgate.recorder.flush();
    const res = await fetch(`${tg.url}/api/calls/${id}`);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  });
}

/**
 * Sends a body far over the limit slowly, as a client still uploading would, and collects the response
 * that arrives meanwhile.
 */
function oversizedUpload(): Promise<{ status: number; headers: Record<string, unknown>; body: string; wroteBytes: number }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${tg.url}/openai/v1/chat/completions`);
    let wroteBytes = 0;
    const req = request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => {
          clearInterval(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, wroteBytes });
        });
      },
    );
    req.on("error", (err) => {
      clearInterval(timer);
      reject(err);
    });
    req.write('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"');
    // keep sending 1 KiB every 5 ms for up to 1 MiB: the answer must come while the client is still sending
    // (the response and error handlers above only run after this line, so `timer` is set by then)
    const timer: NodeJS.Timeout = setInterval(() => {
      if (wroteBytes > 1 << 20) {
        clearInterval(timer);
        req.end('"}]}');
        return;
      }
      req.write("x".repeat(1024));
      wroteBytes += 1024;
    }, 5);
  });
}

describe("bad input", () => {
  it("a body over TOLLGATE_MAX_BODY_BYTES gets 413 JSON while the client is still sending, and is recorded", async () => {
    const before = tg.fake.requests.length;
    const res = await oversizedUpload();
    expect(res.status).toBe(413);
    expect(res.wroteBytes).toBeLessThan(1 << 20);
    const body = JSON.parse(res.body) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("payload_too_large");
    expect(body.error.message).toContain("TOLLGATE_MAX_BODY_BYTES");
    const call = await recorded(res.headers["x-tollgate-call-id"] as string);
    expect(call).toMatchObject({ status: 413, outcome: "proxy_error", errorType: "payload_too_large", provider: "openai" });
    expect(call.requestBytes).toBeGreaterThan(MAX);
    expect(tg.fake.requests.length).toBe(before); // never forwarded
    // the server is fine afterwards
    const ok = await fetch(`${tg.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [] }),
    });
    expect(ok.status).toBe(200);
  });

  it("malformed JSON is forwarded as it came, the provider answers, and the call is recorded", async () => {
    const malformed = '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}';
    const res = await fetch(`${tg.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: malformed,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    expect(tg.fake.requests[tg.fake.requests.length - 1]!.body).toBe(malformed);
    const call = await recorded(res.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({
      status: 400,
      outcome: "bad_request",
      model: null,
      errorType: "invalid_request_error",
      requestBytes: malformed.length,
    });
  });

  it("an unknown provider gets a 404 JSON error naming the known ones", async () => {
    const res = await fetch(`${tg.url}/no-such-provider/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("not_found");
    expect(body.error.message).toContain("openai");
  });

  it("an invalid reporting query gets 400 naming the parameter", async () => {
    for (const [query, name] of [
      ["limit=abc", "limit"],
      ["from=yesterday", "from"],
      ["outcome=exploded", "outcome"],
    ] as const) {
      const res = await fetch(`${tg.url}/api/calls?${query}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { type: string; message: string } };
      expect(body.error.message).toContain(name);
    }
  });

  it("a metering step that throws never fails the call: counted and recorded unpriced", async () => {
    const book = tg.tollgate.priceBook;
    const original = book.priceFor.bind(book);
    book.priceFor = () => {
      throw new Error("price table exploded");
    };
    try {
      const res = await fetch(`${tg.url}/openai/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { choices: unknown[] }).choices).toHaveLength(1);
      const call = await recorded(res.headers.get("x-tollgate-call-id"));
      expect(call).toMatchObject({ outcome: "ok", usageSource: "reported", inputTokens: 50, priced: false, costUsd: null });
    } finally {
      book.priceFor = original;
    }
    const metrics = parsePromText(await (await fetch(`${tg.url}/metrics`)).text());
    expect(metrics.value("tollgate_metering_failures_total", { stage: "price" })).toBe(1);
  });

  it("a stream meter that throws never costs the client the rest of the stream", async () => {
    const original = openai.createStreamMeter;
    openai.createStreamMeter = (info, hideUsage) => {
      const real = original.call(openai, info, hideUsage);
      let events = 0;
      return {
        onEvent(event, data) {
          if (++events === 2) throw new Error("meter exploded");
          return real.onEvent(event, data);
        },
        facts: () => real.facts(),
        outputText: () => real.outputText(),
      };
    };
    try {
      // no stream_options: Tollgate asks for usage upstream and filters the usage chunk out (the path at risk)
      const res = await fetch(`${tg.url}/openai/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "stream-ok", stream: true, messages: [{ role: "user", content: "count" }] }),
      });
      const text = await res.text();
      for (const word of ['"one "', '"two "', '"three"', "[DONE]"]) expect(text).toContain(word);
      const call = await recorded(res.headers.get("x-tollgate-call-id"));
      expect(call).toMatchObject({ outcome: "ok", stream: true, status: 200 });
    } finally {
      openai.createStreamMeter = original;
    }
    const metrics = parsePromText(await (await fetch(`${tg.url}/metrics`)).text());
    expect(metrics.value("tollgate_metering_failures_total", { stage: "usage" })).toBe(1);
  });
});

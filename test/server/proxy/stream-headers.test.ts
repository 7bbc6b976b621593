import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";

// An upstream that sends a stream's headers and then waits for the test to release the first event — a
// model thinking for a long time before its first token.
let upstream: http.Server;
let release: (() => void) | null = null;
let tg: TestTollgate;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream", "x-request-id": "req_held" });
      res.flushHeaders();
      release = () => {
        res.write(
          `data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}\n\n`,
        );
        res.write(
          `data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}\n\n`,
        );
        res.end("data: [DONE]\n\n");
      };
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
  tg = await startTestTollgate({ TOLLGATE_UPSTREAM_OPENAI: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
});
afterAll(async () => {
  await tg?.close();
  upstream?.closeAllConnections();
  await new Promise<void>((r) => upstream?.close(() => r()));
});

describe("stream headers", () => {
  it("reach the client before the first event when the upstream holds it back", async () => {
    const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true });
    const url = new URL(`${tg.url}/openai/v1/chat/completions`);
    const { headers, text } = await new Promise<{ headers: http.IncomingHttpHeaders; text: Promise<string> }>((resolve, reject) => {
      const req = http.request(
        { hostname: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          // The first event has not been sent yet: these headers came on their own.
          expect(release).not.toBeNull();
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          resolve({ headers: res.headers, text: new Promise((done) => res.on("end", () => done(Buffer.concat(chunks).toString("utf8")))) });
          release?.();
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(headers["content-type"]).toBe("text/event-stream");
    expect(headers["x-tollgate-call-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const received = await text;
    // the client asked for no usage, so the usage-only chunk Tollgate requested is hidden again
    expect(received).toContain(`"content":"Hi"`);
    expect(received).not.toContain(`"prompt_tokens"`);
    expect(received.endsWith("data: [DONE]\n\n")).toBe(true);
  });
});

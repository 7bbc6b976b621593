import { createServer, request, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";

/** An OpenAI-shaped upstream: JSON answers, and a stream of 15 events 100 ms apart for model "slow-stream". */
function startUpstream(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const model = (JSON.parse(body || "{}") as { model?: string }).model;
      if (model !== "slow-stream") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id: "c1",
            object: "chat.completion",
            model: "gpt-4o-mini",
            choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
            usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
          }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      let n = 0;
      const timer = setInterval(() => {
        if (n++ < 15) {
          res.write(
            `data: ${JSON.stringify({ id: "c2", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [{ index: 0, delta: { content: `w${n} ` }, finish_reason: null }] })}\n\n`,
          );
          return;
        }
        clearInterval(timer);
        res.end("data: [DONE]\n\n");
      }, 100);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server })),
  );
}

let upstream: { url: string; server: Server };
/** the defaults: TOLLGATE_MAX_BODY_BYTES 32 MiB, TOLLGATE_REQUEST_TIMEOUT_MS 60 s */
let defaults: TestTollgate;
/** a short request timeout */
let tg: TestTollgate;
/** a connection cap of 5 */
let capped: TestTollgate;
const TIMEOUT_MS = 500;

beforeAll(async () => {
  upstream = await startUpstream();
  [defaults, tg, capped] = await Promise.all([
    startTestTollgate({ TOLLGATE_UPSTREAM_OPENAI: upstream.url }),
    startTestTollgate({ TOLLGATE_UPSTREAM_OPENAI: upstream.url, TOLLGATE_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) }),
    startTestTollgate({ TOLLGATE_UPSTREAM_OPENAI: upstream.url, TOLLGATE_MAX_CONNECTIONS: "5" }),
  ]);
});
afterAll(async () => {
  await Promise.all([defaults?.close(), tg?.close(), capped?.close()]);
  await new Promise((r) => upstream?.server.close(r));
});

async function recorded(tg: TestTollgate, id: string | null): Promise<Record<string, unknown>> {
  expect(id).toBeTruthy();
  return eventually(async () => {
    await tg.tollgate.recorder.flush();
    const res = await fetch(`${tg.url}/api/calls/${id}`);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  });
}

const SIXTY_FOUR_MIB = 64 * 1024 * 1024;

describe("a body over TOLLGATE_MAX_BODY_BYTES", () => {
  it("fetch receives the 413 JSON error, not a reset", { timeout: 60_000 }, async () => {
    const res = await fetch(`${defaults.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: Buffer.alloc(SIXTY_FOUR_MIB, 0x61),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("payload_too_large");
    expect(await recorded(defaults, res.headers.get("x-tollgate-call-id"))).toMatchObject({ status: 413, errorType: "payload_too_large" });
  });

  it("a client that sends the whole body before reading gets the 413 too (the rest is read, not reset)", { timeout: 60_000 }, async () => {
    const body = Buffer.alloc(SIXTY_FOUR_MIB, 0x61);
    const answer = await sendAllThenRead(
      defaults.url,
      `POST /openai/v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
      body,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"payload_too_large"');
  });

  it("the openai SDK reports it as a 413 API error", { timeout: 60_000 }, async () => {
    const client = new OpenAI({ apiKey: "sk-test", baseURL: `${defaults.url}/openai/v1`, maxRetries: 0 });
    const err = await client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "a".repeat(SIXTY_FOUR_MIB) }] })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toContain("TOLLGATE_MAX_BODY_BYTES");
  });
});

/**
 * A client that sends its whole request before it reads a byte of the answer (as Python's requests does):
 * resolves with the answer, or rejects with the socket's error.
 */
function sendAllThenRead(base: string, head: string, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const socket = connect(Number(url.port), url.hostname);
    socket.pause();
    socket.on("error", reject);
    socket.write(head);
    socket.write(body, () => {
      let answer = "";
      socket.on("data", (c: Buffer) => {
        answer += c.toString("utf8");
        if (answer.includes("\r\n\r\n") && answer.endsWith("}")) {
          socket.destroy();
          resolve(answer);
        }
      });
      socket.resume();
    });
  });
}

/** Sends `head`, then `body` one byte every 50 ms; resolves with what the server sent back once it closes. */
function trickle(head: string, body: string): Promise<{ answer: string; sentBytes: number }> {
  return new Promise((resolve) => {
    const url = new URL(tg.url);
    const socket: Socket = connect(Number(url.port), url.hostname);
    let answer = "";
    let sentBytes = 0;
    socket.setEncoding("utf8");
    socket.on("data", (c: string) => (answer += c));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ answer, sentBytes });
    });
    socket.write(head);
    const timer = setInterval(() => {
      if (sentBytes < body.length && socket.writable) socket.write(body[sentBytes++]!);
    }, 50);
  });
}

describe("TOLLGATE_REQUEST_TIMEOUT_MS", () => {
  it("a body sent too slowly gets a 408 JSON error the client reads, and the call is recorded", { timeout: 30_000 }, async () => {
    const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x".repeat(200) }] });
    const started = performance.now();
    const { answer, sentBytes } = await trickle(
      `POST /openai/v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
      body,
    );
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 3_000);
    expect(sentBytes).toBeLessThan(body.length);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    const json = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as { error: { type: string } };
    expect(json.error.type).toBe("request_timeout");
    const calls = await eventually(async () => {
      const all = await tg.calls();
      const timedOut = all.filter((c) => c.errorType === "request_timeout");
      expect(timedOut).toHaveLength(1);
      return timedOut;
    });
    expect(calls[0]).toMatchObject({ status: 408, outcome: "client_cancelled" });
  });

  it("headers sent too slowly get the 408 too", { timeout: 30_000 }, async () => {
    const { answer } = await trickle("GET /healthz HTTP/1.1\r\n", "host: slow-headers-are-slow\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"request_timeout"');
  });

  it("does not cut an answer that streams longer than the timeout", { timeout: 30_000 }, async () => {
    const client = new OpenAI({ apiKey: "sk-test", baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
    const started = performance.now();
    const stream = await client.chat.completions.create({
      model: "slow-stream",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(performance.now() - started).toBeGreaterThan(3 * TIMEOUT_MS);
    expect(text.trim().split(" ")).toHaveLength(15);
  });
});

describe("TOLLGATE_MAX_CONNECTIONS", () => {
  it("closes connections past the cap at once, and accepts again once below it", { timeout: 30_000 }, async () => {
    const url = new URL(capped.url);
    const open = async (): Promise<Socket> => {
      const socket = connect(Number(url.port), url.hostname);
      socket.on("error", () => {});
      await new Promise((r) => socket.once("connect", r));
      return socket;
    };
    // Connections up to the cap, each busy with a call whose answer streams for 1.5 s.
    const held: Socket[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await open();
      const body = JSON.stringify({ model: "slow-stream", stream: true, messages: [] });
      s.write(
        `POST /openai/v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      );
      held.push(s);
    }
    await eventually(async () => expect(capped.tollgate.app.proxy.inFlight()).toBe(5));
    const extra = await open();
    // closed by the server without an answer
    const answer = await new Promise<string>((resolve) => {
      let got = "";
      extra.on("data", (c: Buffer) => (got += c.toString("utf8")));
      extra.once("close", () => resolve(got));
      extra.write("GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n");
    });
    expect(answer).toBe("");
    for (const s of held) s.destroy();
    await eventually(async () => {
      const res = await new Promise<number>((resolve, reject) => {
        const req = request(`${capped.url}/healthz`, { agent: false }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
      expect(res).toBe(200);
    });
  });
});

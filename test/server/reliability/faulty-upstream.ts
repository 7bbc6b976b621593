import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the faulty upstream received, and whether its connection has been closed since. */
export interface FaultyRequest {
  model: string;
  body: string;
  /** resolves when the upstream side sees the response's connection close (finished or torn down) */
  closed: Promise<void>;
  isClosed(): boolean;
}

export interface FaultyUpstream {
  url: string;
  requests: FaultyRequest[];
  /** open TCP connections right now */
  openConnections(): number;
  close(): Promise<void>;
}

export const USAGE = {
  prompt_tokens: 50,
  completion_tokens: 7,
  total_tokens: 57,
  prompt_tokens_details: { cached_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0 },
};
export const GARBAGE_JSON = '{"id":"chatcmpl-x","choices":[{"message":{"content":"trunc';
/** Garbage in an event stream: invalid UTF-8, a truncated JSON event, a bare CR, no final blank line. */
export const GARBAGE_SSE = Buffer.concat([
  Buffer.from('data: {"id":"c","choices":[{"delta":{"content":"ok"}}]}\n\n'),
  Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a, 0x0a]),
  Buffer.from('data: {"id":"c","usage":{"prompt_tok\r\n\r\nevent: \u0000\ndata: [DONE'),
]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function chunk(delta: Record<string, unknown>, usage: unknown = null, choices = true): string {
  return `data: ${JSON.stringify({ id: "chatcmpl-f", object: "chat.completion.chunk", created: 1764115200, model: "gpt-4o-mini-2024-07-18", choices: choices ? [{ index: 0, delta, finish_reason: null }] : [], usage })}\n\n`;
}

/**
 * A misbehaving OpenAI-style upstream; the requested model picks the fault:
 * `hang` never answers; `stall` streams two deltas then goes silent; `cut` streams two deltas then drops
 * the connection; `garbage-json` / `garbage-sse` send broken bodies; `usage-then-stall` streams the whole
 * answer and its usage chunk, then stalls before `[DONE]`; `drip` streams a delta every 50 ms for a minute.
 */
export async function startFaultyUpstream(): Promise<FaultyUpstream> {
  const requests: FaultyRequest[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    let closed = false;
    let markClosed!: () => void;
    const closedPromise = new Promise<void>((r) => (markClosed = r));
    res.on("close", () => {
      closed = true;
      markClosed();
    });
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      const body = Buffer.concat(parts).toString("utf8");
      let model = "";
      try {
        model = String((JSON.parse(body) as { model?: unknown }).model ?? "");
      } catch {
        model = "(malformed)";
      }
      requests.push({ model, body, closed: closedPromise, isClosed: () => closed });
      void behave(model, res).catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    openConnections: () => (server as unknown as { _connections: number })._connections,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function behave(model: string, res: ServerResponse): Promise<void> {
  const sse = { "content-type": "text/event-stream", "x-request-id": `req_${model}` };
  switch (model) {
    case "hang":
      return;
    case "(malformed)":
      res.writeHead(400, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { message: "We could not parse the JSON body of your request.", type: "invalid_request_error", param: null, code: null },
        }),
      );
      return;
    case "garbage-json":
      res.writeHead(200, { "content-type": "application/json" });
      res.end(GARBAGE_JSON);
      return;
    case "garbage-sse":
      res.writeHead(200, sse);
      res.end(GARBAGE_SSE);
      return;
    case "stall":
    case "cut":
      res.writeHead(200, sse);
      res.write(chunk({ role: "assistant", content: "" }));
      res.write(chunk({ content: "Hello" }));
      res.write(chunk({ content: " there" }));
      if (model === "cut") {
        await sleep(30);
        res.socket?.destroy();
      }
      return; // stall: silent from here on
    case "usage-then-stall":
      res.writeHead(200, sse);
      res.write(chunk({ role: "assistant", content: "" }));
      res.write(chunk({ content: "All done." }));
      res.write(chunk({}, USAGE, false));
      return;
    case "stream-ok":
      res.writeHead(200, sse);
      res.write(chunk({ role: "assistant", content: "" }));
      for (const word of ["one ", "two ", "three"]) res.write(chunk({ content: word }));
      res.write(chunk({}, USAGE, false));
      res.end("data: [DONE]\n\n");
      return;
    case "drip":
      res.writeHead(200, sse);
      res.write(chunk({ role: "assistant", content: "" }));
      for (let i = 0; i < 1200 && !res.destroyed; i++) {
        res.write(chunk({ content: `word${i} ` }));
        await sleep(50);
      }
      res.end("data: [DONE]\n\n");
      return;
    default:
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "chatcmpl-ok",
          object: "chat.completion",
          model: "gpt-4o-mini-2024-07-18",
          choices: [{ index: 0, message: { role: "assistant", content: "fine" }, finish_reason: "stop" }],
          usage: USAGE,
        }),
      );
  }
}

/**
 * The fake upstream the proxy bench hits: OpenAI chat completions, JSON or SSE, with the exact wire shapes
 * Tollgate meters. It does as little as possible per request (string checks, no JSON.parse) so that it is
 * never the bottleneck. `x-bench-gap-ms: N` holds the rest of a stream N ms after its first event, which
 * makes time-to-first-byte measurable apart from the whole response.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { failChild, serveChild } from "./child-ipc.ts";

const USAGE =
  '{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}';
const MODEL = "gpt-4o-mini-2024-07-18";
const WORDS = ["The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", "."];

const jsonBody = Buffer.from(
  `{"id":"chatcmpl-bench","object":"chat.completion","created":1764115200,"model":"${MODEL}","choices":[{"index":0,"message":{"role":"assistant","content":"${WORDS.join("")}","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":${USAGE},"service_tier":"default","system_fingerprint":"fp_bench"}`,
);
const chunk = (delta: string, finish: string | null): string =>
  `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764115200,"model":"${MODEL}","service_tier":"default","system_fingerprint":"fp_bench","choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish ? `"${finish}"` : "null"}}],"usage":null}\n\n`;
const firstEvent = chunk('{"role":"assistant","content":"","refusal":null}', null);
const restEvents = [...WORDS.map((w) => chunk(`{"content":"${w}"}`, null)), chunk("{}", "stop")];
const usageEvent = `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764115200,"model":"${MODEL}","service_tier":"default","system_fingerprint":"fp_bench","choices":[],"usage":${USAGE}}\n\n`;
const DONE = "data: [DONE]\n\n";

const server = createServer({ keepAliveTimeout: 65_000, noDelay: true }, (req, res) => {
  const parts: Buffer[] = [];
  req.on("data", (c: Buffer) => parts.push(c));
  req.on("end", () => {
    const body = parts.length === 1 ? (parts[0] as Buffer).toString("latin1") : Buffer.concat(parts).toString("latin1");
    if (!body.includes('"stream":true')) {
      res.writeHead(200, { "content-type": "application/json", "x-request-id": "req_bench", "content-length": jsonBody.length });
      res.end(jsonBody);
      return;
    }
    const withUsage = body.includes('"include_usage":true');
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-request-id": "req_bench" });
    res.write(firstEvent);
    const finishStream = (): void => {
      for (const event of restEvents) res.write(event);
      if (withUsage) res.write(usageEvent);
      res.end(DONE);
    };
    const gap = Number(req.headers["x-bench-gap-ms"] ?? 0);
    if (gap > 0) setTimeout(finishStream, gap);
    else finishStream();
  });
});

server.listen(0, "127.0.0.1", () => {
  serveChild(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
server.on("error", failChild);

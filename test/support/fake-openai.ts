import type { IncomingMessage, ServerResponse } from "node:http";
import { sleep, startFakeServer, type FakeServer } from "./fake-server.ts";

export type { SeenRequest } from "./fake-server.ts";

/** Usage the fake reports for every chat completion (OpenAI's wire format: details are subsets). */
export const FAKE_USAGE = {
  prompt_tokens: 1200,
  completion_tokens: 300,
  total_tokens: 1500,
  prompt_tokens_details: { cached_tokens: 400, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 100, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

export const FAKE_TEXT = ["Hello", ", ", "world", "!"];

export type FakeOpenAi = FakeServer;

function chunk(id: string, model: string, delta: Record<string, unknown>, finish: string | null = null): string {
  const body = {
    id,
    object: "chat.completion.chunk",
    created: 1764115200,
    model,
    system_fingerprint: "fp_fake",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** One value of the fake's embedding vectors: deterministic, with float32's digits like OpenAI's. */
export const fakeEmbeddingValue = (index: number, d: number): number => Math.fround(Math.sin(index * 7 + d) / 10);

/**
 * The fake's embeddings answer to a request, as it sends it (exported, so a test can compare the bytes its
 * client got): 8 prompt tokens per input; per input, `dimensions` values (or the 3 it always answered before),
 * as a float array or, with `encoding_format: "base64"`, as little-endian float32s in base64.
 */
export function embeddingsAnswer(json: Record<string, unknown>): string {
  const input = Array.isArray(json.input) ? json.input : [json.input];
  const dims = typeof json.dimensions === "number" ? json.dimensions : 0;
  const vector = (index: number): number[] | string => {
    const values = dims > 0 ? Array.from({ length: dims }, (_, d) => fakeEmbeddingValue(index, d)) : [0.0023, -0.0093, 0.0157];
    return json.encoding_format === "base64" ? Buffer.from(Float32Array.from(values).buffer).toString("base64") : values;
  };
  const data = input.map((_, index) => ({ object: "embedding", index, embedding: vector(index) }));
  return JSON.stringify({
    object: "list",
    data,
    model: "text-embedding-3-small",
    usage: { prompt_tokens: 8 * input.length, total_tokens: 8 * input.length },
  });
}

/**
 * A fake OpenAI upstream speaking the exact wire format. The requested model picks the behaviour:
 * `…-429` / `…-500` answer errors (`…-400` context length exceeded, `…-401` a bad key), `…-cut` cuts a stream mid-way, `…-slow` streams slowly, `…-late` answers after a second, `…-hang`
 * never answers, `…-garbage` sends invalid JSON; anything else answers normally with FAKE_USAGE.
 */
export function startFakeOpenAi(): Promise<FakeOpenAi> {
  return startFakeServer(respond);
}

async function respond(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    res.writeHead(400, { "content-type": "application/json", "x-request-id": "req_badjson" });
    res.end(
      JSON.stringify({
        error: { message: "We could not parse the JSON body of your request.", type: "invalid_request_error", param: null, code: null },
      }),
    );
    return;
  }
  const model = String(json.model ?? "gpt-4o-mini");
  const id = "chatcmpl-fake" + Math.random().toString(36).slice(2, 10);
  const reported = model.replace(/-(slow|cut|nousage|late)$/, "") === "gpt-4o-mini" ? "gpt-4o-mini-2024-07-18" : model;
  if (model.endsWith("-hang")) return; // never answers
  if (model.endsWith("-late")) await sleep(1_000);
  if (model.endsWith("-429")) {
    res.writeHead(429, { "content-type": "application/json", "x-request-id": "req_ratelimited", "retry-after": "0" });
    res.end(
      JSON.stringify({
        error: {
          message: "Rate limit reached for gpt-4o-mini on tokens per min (TPM): Limit 200000, Used 199990.",
          type: "tokens",
          param: null,
          code: "rate_limit_exceeded",
        },
      }),
    );
    return;
  }
  if (model.endsWith("-400")) {
    res.writeHead(400, { "content-type": "application/json", "x-request-id": "req_toolong" });
    res.end(
      JSON.stringify({
        error: {
          message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens.",
          type: "invalid_request_error",
          param: "messages",
          code: "context_length_exceeded",
        },
      }),
    );
    return;
  }
  if (model.endsWith("-401")) {
    res.writeHead(401, { "content-type": "application/json", "x-request-id": "req_badkey" });
    res.end(
      JSON.stringify({
        error: { message: "Incorrect API key provided: sk-fake.", type: "invalid_request_error", param: null, code: "invalid_api_key" },
      }),
    );
    return;
  }
  if (model.endsWith("-500")) {
    res.writeHead(500, { "content-type": "application/json", "x-request-id": "req_servererror" });
    res.end(
      JSON.stringify({
        error: {
          message: "The server had an error while processing your request. Sorry about that!",
          type: "server_error",
          param: null,
          code: null,
        },
      }),
    );
    return;
  }
  if (req.url?.endsWith("/embeddings")) {
    res.writeHead(200, { "content-type": "application/json", "x-request-id": "req_embed" });
    res.end(embeddingsAnswer(json));
    return;
  }
  if (model.endsWith("-garbage")) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"id":"chatcmpl-x","choices":[{"message":{"content":"trunc');
    return;
  }
  if (json.stream !== true) {
    res.writeHead(200, { "content-type": "application/json", "x-request-id": "req_" + id, "openai-processing-ms": "12" });
    res.end(
      JSON.stringify({
        id,
        object: "chat.completion",
        created: 1764115200,
        model: reported,
        service_tier: "default",
        system_fingerprint: "fp_fake",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: FAKE_TEXT.join(""), refusal: null, annotations: [] },
            logprobs: null,
            finish_reason: "stop",
          },
        ],
        usage: FAKE_USAGE,
      }),
    );
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-request-id": "req_" + id });
  const options = json.stream_options as { include_usage?: boolean } | undefined;
  const delay = model.endsWith("-slow") ? 100 : 0;
  res.write(chunk(id, reported, { role: "assistant", content: "", refusal: null }));
  for (let i = 0; i < FAKE_TEXT.length; i++) {
    if (delay) await sleep(delay);
    res.write(chunk(id, reported, { content: FAKE_TEXT[i] }));
    if (model.endsWith("-cut") && i === 1) {
      await sleep(20);
      res.socket?.destroy();
      return;
    }
  }
  res.write(chunk(id, reported, {}, "stop"));
  if (options?.include_usage && !model.endsWith("-nousage")) {
    res.write(
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1764115200, model: reported, system_fingerprint: "fp_fake", choices: [], usage: FAKE_USAGE })}\n\n`,
    );
  }
  res.end("data: [DONE]\n\n");
}

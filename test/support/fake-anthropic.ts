import type { IncomingMessage, ServerResponse } from "node:http";
import { startFakeServer, sleep, type FakeServer } from "./fake-server.ts";

/**
 * Usage the fake reports (Anthropic's wire format: input_tokens excludes cache reads and writes; the write
 * total splits into 5-minute and 1-hour writes; output_tokens includes thinking).
 */
export const ANTHROPIC_USAGE = {
  input_tokens: 1200,
  cache_creation_input_tokens: 3000,
  cache_read_input_tokens: 20000,
  cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 1000 },
  output_tokens: 500,
  output_tokens_details: { thinking_tokens: 200 },
  server_tool_use: null,
  service_tier: "standard",
};

/** A long-context call: 150k uncached + 60k cache reads = 210k input, above the 200k tier. */
export const LONG_USAGE = {
  input_tokens: 150000,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 60000,
  output_tokens: 1000,
  service_tier: "standard",
};

export const ANTHROPIC_TEXT = ["Hello", " from", " Claude", "!"];
export const ANTHROPIC_MODEL = "claude-sonnet-4-5-20250929";

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * A fake Anthropic Messages API, also answering Claude's Vertex AI paths. The requested model picks the behaviour: `…-429`, `…-500`, `…-529` answer
 * errors; `…-cut` cuts a stream after two deltas; `…-long` reports LONG_USAGE; `…-streamerror` sends `event: error` after HTTP 200;
 * anything else answers normally with ANTHROPIC_USAGE.
 */
export function startFakeAnthropic(): Promise<FakeServer> {
  return startFakeServer(respond);
}

function error(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { "content-type": "application/json", "request-id": `req_011err${status}` });
  res.end(JSON.stringify({ type: "error", error: { type, message }, request_id: `req_011err${status}` }));
}

/**
 * Claude on Vertex AI (what @anthropic-ai/vertex-sdk sends, packages/vertex-sdk/src/client.ts):
 * `/v1/projects/{p}/locations/{l}/publishers/anthropic/models/{model}:rawPredict` (JSON) or
 * `:streamRawPredict` (SSE), the model in the path and not in the body; count tokens at
 * `…/models/count-tokens:rawPredict`. Answers are Anthropic's; errors from Vertex itself are Google's
 * `{error: {code, message, status}}` (a model ending `-quota` gets Vertex's quota 429).
 */
const VERTEX_PATH = /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;
/** Vertex answers carry a fixed id, so a test can compare what the client got with what the fake sends byte for byte. */
export const VERTEX_MESSAGE_ID = "msg_vrtx_01FakeVertexAnswer";
export const VERTEX_QUOTA_MESSAGE =
  "Quota exceeded for aiplatform.googleapis.com/online_prediction_input_tokens_per_minute_per_base_model with base model: anthropic-claude-sonnet-4-5. Please submit a quota increase request.";

async function respond(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
  const json = JSON.parse(body || "{}") as Record<string, unknown>;
  let model = String(json.model ?? "");
  let id = "msg_01Fake" + Math.random().toString(36).slice(2, 10);
  let answerModel = ANTHROPIC_MODEL;
  const vertex = VERTEX_PATH.exec(req.url ?? "");
  if (vertex) {
    if (vertex[1] === "count-tokens") {
      res.writeHead(200, { "content-type": "application/json", "x-request-id": "vertex-count" });
      res.end(JSON.stringify({ input_tokens: 42 }));
      return;
    }
    model = decodeURIComponent(vertex[1]!);
    id = VERTEX_MESSAGE_ID;
    // Vertex answers with the dated name, e.g. claude-haiku-4-5-20251001 for claude-haiku-4-5@20251001.
    answerModel = model.replace("@", "-");
    // The Vertex SDK keeps `stream` in the body and picks the method from it; the fake trusts the method.
    json.stream = vertex[2] === "streamRawPredict";
    if (model.endsWith("-quota")) {
      res.writeHead(429, { "content-type": "application/json; charset=UTF-8" });
      res.end(JSON.stringify({ error: { code: 429, message: VERTEX_QUOTA_MESSAGE, status: "RESOURCE_EXHAUSTED" } }));
      return;
    }
  }
  if (req.url?.endsWith("/v1/messages/count_tokens")) {
    res.writeHead(200, { "content-type": "application/json", "request-id": "req_011count" });
    res.end(JSON.stringify({ input_tokens: 42 }));
    return;
  }
  if (model.endsWith("-429"))
    return error(res, 429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit");
  if (model.endsWith("-500")) return error(res, 500, "api_error", "Internal server error");
  if (model.endsWith("-529")) return error(res, 529, "overloaded_error", "Overloaded");
  if (json.stream !== true) {
    res.writeHead(200, { "content-type": "application/json", "request-id": "req_011" + id.slice(8) });
    res.end(
      JSON.stringify({
        id,
        type: "message",
        role: "assistant",
        model: answerModel,
        content: [
          { type: "thinking", thinking: "Greeting.", signature: "sig" },
          { type: "text", text: ANTHROPIC_TEXT.join("") },
        ],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: model.endsWith("-long") ? LONG_USAGE : ANTHROPIC_USAGE,
      }),
    );
    return;
  }
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "request-id": "req_011" + id.slice(8),
  });
  // message_start: input and cache counts, a placeholder output count
  const { output_tokens_details: _details, ...startUsage } = ANTHROPIC_USAGE;
  res.write(
    sse("message_start", {
      type: "message_start",
      message: {
        id,
        type: "message",
        role: "assistant",
        model: answerModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...startUsage, output_tokens: 1 },
      },
    }),
  );
  res.write(sse("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }));
  res.write(sse("ping", { type: "ping" }));
  for (let i = 0; i < ANTHROPIC_TEXT.length; i++) {
    res.write(
      sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: ANTHROPIC_TEXT[i] } }),
    );
    if (i === 1 && model.endsWith("-cut")) {
      await sleep(20);
      res.socket?.destroy();
      return;
    }
    if (i === 1 && model.endsWith("-streamerror")) {
      res.end(sse("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }));
      return;
    }
  }
  res.write(sse("content_block_stop", { type: "content_block_stop", index: 0 }));
  // message_delta: cumulative counts (the input side repeated) — a meter that adds would double them
  res.write(
    sse("message_delta", {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: {
        input_tokens: 1200,
        cache_creation_input_tokens: 3000,
        cache_read_input_tokens: 20000,
        output_tokens: 500,
        output_tokens_details: { thinking_tokens: 200 },
      },
    }),
  );
  res.end(sse("message_stop", { type: "message_stop" }));
}

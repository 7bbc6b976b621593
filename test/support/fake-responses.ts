import type { IncomingMessage, ServerResponse } from "node:http";
import { startFakeServer, sleep, type FakeServer } from "./fake-server.ts";

/** Responses API usage: input_tokens includes cached; output_tokens includes reasoning. */
export const RESPONSES_USAGE = {
  input_tokens: 2000,
  input_tokens_details: { cached_tokens: 1000 },
  output_tokens: 500,
  output_tokens_details: { reasoning_tokens: 300 },
  total_tokens: 2500,
};
export const RESPONSES_TEXT = ["Tollgate", " meters", " responses", "."];
export const RESPONSES_MODEL = "gpt-5-mini-2025-08-07";

/**
 * A fake OpenAI Responses API (`POST /v1/responses`), JSON and SSE with the documented event sequence.
 * The model picks the behaviour: `…-429` answers 429; `…-failed` ends the stream with response.failed;
 * `…-error` sends an `error` event; `…-cut` cuts the stream after two deltas. The request's service_tier is
 * echoed back as the tier the response was served at.
 */
export function startFakeResponses(): Promise<FakeServer> {
  return startFakeServer(respond);
}

async function respond(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
  const json = JSON.parse(body || "{}") as Record<string, unknown>;
  const model = String(json.model ?? "");
  if (!req.url?.startsWith("/v1/responses")) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error", param: null, code: null } }));
    return;
  }
  if (model.endsWith("-429")) {
    res.writeHead(429, { "content-type": "application/json", "x-request-id": "req_resp429" });
    res.end(
      JSON.stringify({
        error: {
          message: "Rate limit reached for gpt-5-mini on requests per min (RPM)",
          type: "requests",
          param: null,
          code: "rate_limit_exceeded",
        },
      }),
    );
    return;
  }
  const id = "resp_" + Math.random().toString(36).slice(2, 12);
  const msgId = "msg_" + Math.random().toString(36).slice(2, 12);
  const tier = typeof json.service_tier === "string" && json.service_tier !== "auto" ? json.service_tier : "default";
  const text = RESPONSES_TEXT.join("");
  const message = {
    id: msgId,
    type: "message",
    status: "completed",
    role: "assistant",
    content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
  };
  const response = (status: string, extra: Record<string, unknown> = {}) => ({
    id,
    object: "response",
    created_at: 1764115200,
    status,
    error: null,
    incomplete_details: null,
    instructions: null,
    model: RESPONSES_MODEL,
    output: status === "completed" ? [message] : [],
    parallel_tool_calls: true,
    service_tier: tier,
    store: true,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: status === "in_progress" ? null : RESPONSES_USAGE,
    user: null,
    metadata: {},
    ...extra,
  });
  const headers = { "x-request-id": "req_" + id };
  // "-incomplete": stopped at max_output_tokens (status "incomplete", incomplete_details.reason)
  const incomplete = model.endsWith("-incomplete");
  const terminal = () =>
    incomplete ? response("incomplete", { output: [message], incomplete_details: { reason: "max_output_tokens" } }) : response("completed");
  if (json.stream !== true) {
    res.writeHead(200, { ...headers, "content-type": "application/json" });
    res.end(JSON.stringify(terminal()));
    return;
  }
  res.writeHead(200, { ...headers, "content-type": "text/event-stream; charset=utf-8" });
  let seq = 0;
  const send = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
  send("response.created", { response: response("in_progress") });
  send("response.in_progress", { response: response("in_progress") });
  send("response.output_item.added", { output_index: 0, item: { ...message, status: "in_progress", content: [] } });
  send("response.content_part.added", {
    item_id: msgId,
    output_index: 0,
    content_index: 0,
    part: { type: "output_text", text: "", annotations: [] },
  });
  for (let i = 0; i < RESPONSES_TEXT.length; i++) {
    send("response.output_text.delta", { item_id: msgId, output_index: 0, content_index: 0, delta: RESPONSES_TEXT[i], logprobs: [] });
    if (i === 1 && model.endsWith("-cut")) {
      await sleep(20);
      res.socket?.destroy();
      return;
    }
    if (i === 1 && model.endsWith("-error")) {
      send("error", { code: "server_error", message: "The server had an error while processing your request.", param: null });
      res.end();
      return;
    }
  }
  if (model.endsWith("-failed")) {
    send("response.failed", {
      response: response("failed", { error: { code: "server_error", message: "The model failed to generate a response." } }),
    });
    res.end();
    return;
  }
  send("response.output_text.done", { item_id: msgId, output_index: 0, content_index: 0, text, logprobs: [] });
  send("response.content_part.done", {
    item_id: msgId,
    output_index: 0,
    content_index: 0,
    part: { type: "output_text", text, annotations: [] },
  });
  send("response.output_item.done", { output_index: 0, item: message });
  send(incomplete ? "response.incomplete" : "response.completed", { response: terminal() });
  res.end();
}

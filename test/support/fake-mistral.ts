import type { IncomingMessage, ServerResponse } from "node:http";
import { startFakeServer, sleep, type FakeServer } from "./fake-server.ts";

/** Usage the fake reports: OpenAI's shape, plus Mistral's newer cached-token details. */
export const MISTRAL_USAGE = {
  prompt_tokens: 2000,
  completion_tokens: 300,
  total_tokens: 2300,
  prompt_tokens_details: { cached_tokens: 500 },
};
export const MISTRAL_TEXT = ["Bonjour", " le", " monde", "!"];

/** FIM (Codestral): what the fake fills in, and the usage it reports for it. */
export const FIM_TEXT = ["    return a", " + b", "\n"];
export const FIM_USAGE = { prompt_tokens: 1234, completion_tokens: 56, total_tokens: 1290 };
/** The bodies the fake sent for FIM calls, whole (streams joined), newest last: what the client must receive. */
export const fimSent: string[] = [];

/**
 * A fake Mistral API. Like the real one it rejects unknown request fields (422 extra_forbidden) — so a
 * proxy that injects `stream_options` breaks it. The model picks the behaviour: `…-429`, `…-500` answer
 * errors; `…-cut` cuts a stream after two chunks.
 */
export function startFakeMistral(): Promise<FakeServer> {
  return startFakeServer(respond);
}

const KNOWN = new Set([
  "model",
  "messages",
  "temperature",
  "top_p",
  "max_tokens",
  "stream",
  "stop",
  "random_seed",
  "response_format",
  "tools",
  "tool_choice",
  "presence_penalty",
  "frequency_penalty",
  "n",
  "prediction",
  "parallel_tool_calls",
  "prompt_mode",
  "safe_prompt",
  "input",
  "output_dimension",
  "output_dtype",
  "encoding_format",
  "metadata",
  "prompt",
  "suffix",
  "min_tokens",
  "prompt_cache_key",
]);

function error(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { "content-type": "application/json", "x-kong-request-id": `kong-${status}` });
  res.end(JSON.stringify({ object: "error", param: null, ...body }));
}

async function respond(req: IncomingMessage, res: ServerResponse, text: string): Promise<void> {
  const json = JSON.parse(text || "{}") as Record<string, unknown>;
  const extra = Object.keys(json).find((k) => !KNOWN.has(k));
  if (extra) {
    return error(res, 422, {
      message: { detail: [{ type: "extra_forbidden", loc: ["body", extra], msg: "Extra inputs are not permitted" }] },
      type: "invalid_request_message_error",
      code: "3001",
    });
  }
  const model = String(json.model ?? "");
  if (model.endsWith("-429")) return error(res, 429, { message: "Requests rate limit exceeded", type: "rate_limited", code: "1300" });
  if (model.endsWith("-500")) return error(res, 500, { message: "Internal server error", type: "internal_server_error", code: "1000" });
  const headers = { "content-type": "application/json", "x-kong-request-id": "kong-" + Math.random().toString(36).slice(2, 10) };
  if (req.url?.endsWith("/v1/embeddings")) {
    const inputs = Array.isArray(json.input) ? json.input : [json.input];
    res.writeHead(200, headers);
    res.end(
      JSON.stringify({
        id: "emb-1",
        object: "list",
        model,
        data: inputs.map((_, index) => ({ object: "embedding", index, embedding: [0.1, -0.2] })),
        usage: { prompt_tokens: 8 * inputs.length, completion_tokens: 0, total_tokens: 8 * inputs.length },
      }),
    );
    return;
  }
  const id = "cmpl-" + Math.random().toString(36).slice(2, 10);
  const reported = model.replace(/-cut$/, "");
  if (req.url?.endsWith("/v1/fim/completions")) return fim(res, json, id, reported, headers);
  if (json.stream !== true) {
    res.writeHead(200, headers);
    res.end(
      JSON.stringify({
        id,
        object: "chat.completion",
        created: 1764115200,
        model: reported,
        choices: [{ index: 0, message: { role: "assistant", content: MISTRAL_TEXT.join(""), tool_calls: null }, finish_reason: "stop" }],
        usage: MISTRAL_USAGE,
      }),
    );
    return;
  }
  res.writeHead(200, { ...headers, "content-type": "text/event-stream; charset=utf-8" });
  const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}, finish: string | null = null) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1764115200, model: reported, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
  res.write(chunk({ role: "assistant", content: "" }));
  for (let i = 0; i < MISTRAL_TEXT.length; i++) {
    const last = i === MISTRAL_TEXT.length - 1;
    // The final chunk carries both the last delta and the usage.
    res.write(last ? chunk({ content: MISTRAL_TEXT[i] }, { usage: MISTRAL_USAGE }, "stop") : chunk({ content: MISTRAL_TEXT[i] }));
    if (i === 1 && model.endsWith("-cut")) {
      await sleep(20);
      res.socket?.destroy();
      return;
    }
  }
  res.end("data: [DONE]\n\n");
}

/**
 * POST /v1/fim/completions as Mistral answers it: the chat-completion shape (FIMCompletionResponse:
 * id, object, model, usage, created, choices[].message), or when streamed, chat-completion chunks whose last
 * one carries the usage, then `data: [DONE]` (@mistralai/mistralai `fimcompletionresponse.ts`,
 * `completionchunk.ts`). A model ending in `-nousage` answers without usage.
 */
function fim(res: ServerResponse, json: Record<string, unknown>, id: string, model: string, headers: Record<string, string>): void {
  const reported = model.replace(/-nousage$/, "");
  const usage = model.endsWith("-nousage") ? {} : { usage: FIM_USAGE };
  if (json.stream !== true) {
    const body = JSON.stringify({
      id,
      object: "chat.completion",
      model: reported,
      ...usage,
      created: 1764115200,
      choices: [
        { index: 0, message: { role: "assistant", content: FIM_TEXT.join(""), tool_calls: null, prefix: false }, finish_reason: "stop" },
      ],
    });
    fimSent.push(body);
    res.writeHead(200, headers);
    res.end(body);
    return;
  }
  const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}, finish: string | null = null) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1764115200, model: reported, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
  const events = [chunk({ role: "assistant", content: "" })];
  for (let i = 0; i < FIM_TEXT.length; i++)
    events.push(i === FIM_TEXT.length - 1 ? chunk({ content: FIM_TEXT[i] }, usage, "stop") : chunk({ content: FIM_TEXT[i] }));
  events.push("data: [DONE]\n\n");
  fimSent.push(events.join(""));
  res.writeHead(200, { ...headers, "content-type": "text/event-stream; charset=utf-8" });
  for (const event of events.slice(0, -1)) res.write(event);
  res.end(events[events.length - 1]);
}

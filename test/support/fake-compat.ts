import type { IncomingMessage, ServerResponse } from "node:http";
import { startFakeServer, type FakeServer } from "./fake-server.ts";

/**
 * One fake for the OpenAI-compatible crowd; the first path segment picks the provider's quirks:
 * - `/azure/openai/...`: Azure OpenAI — the real model in `model`, `prompt_filter_results`, and a
 *   content-filter chunk with `choices: []` and no usage at the start of every stream.
 * - `/groq/openai/v1/...`: usage in `x_groq.usage` on the last chunk (plus top-level usage when asked).
 * - `/deepseek/...`: cache hits as `prompt_cache_hit_tokens` / `prompt_cache_miss_tokens`.
 * - `/openrouter/api/v1/...`: SSE comment lines, usage always sent, with `usage.cost`.
 * - `/vllm/v1/...`, `/ollama/v1/...`: plain OpenAI format.
 */
export function startFakeCompat(): Promise<FakeServer> {
  return startFakeServer(respond);
}

export const COMPAT_TEXT = ["One", " two", " three"];

export const AZURE_MODEL = "gpt-4o-2024-11-20";
export const AZURE_USAGE = {
  prompt_tokens: 1000,
  completion_tokens: 200,
  total_tokens: 1200,
  prompt_tokens_details: { cached_tokens: 400, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};
export const GROQ_USAGE = {
  queue_time: 0.02,
  prompt_tokens: 500,
  prompt_time: 0.01,
  completion_tokens: 100,
  completion_time: 0.2,
  total_tokens: 600,
  total_time: 0.21,
};
/** DeepSeek's older shape: the cache split only in its own fields */
export const DEEPSEEK_USAGE = {
  prompt_tokens: 3000,
  completion_tokens: 400,
  total_tokens: 3400,
  prompt_cache_hit_tokens: 2000,
  prompt_cache_miss_tokens: 1000,
};
export const OPENROUTER_USAGE = {
  prompt_tokens: 800,
  completion_tokens: 150,
  total_tokens: 950,
  cost: 0.000215,
  is_byok: false,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  cost_details: { upstream_inference_cost: null },
  completion_tokens_details: { reasoning_tokens: 0, image_tokens: 0 },
};
export const PLAIN_USAGE = { prompt_tokens: 70, completion_tokens: 30, total_tokens: 100 };

const AZURE_FILTERS = {
  hate: { filtered: false, severity: "safe" },
  self_harm: { filtered: false, severity: "safe" },
  sexual: { filtered: false, severity: "safe" },
  violence: { filtered: false, severity: "safe" },
};

interface Flavor {
  model(requested: string): string;
  usage: Record<string, unknown>;
}

const FLAVORS: Record<string, Flavor> = {
  azure: { model: () => AZURE_MODEL, usage: AZURE_USAGE },
  groq: { model: (m) => m, usage: GROQ_USAGE },
  deepseek: { model: (m) => m, usage: DEEPSEEK_USAGE },
  openrouter: { model: (m) => m, usage: OPENROUTER_USAGE },
  vllm: { model: (m) => m, usage: PLAIN_USAGE },
  ollama: { model: (m) => m, usage: PLAIN_USAGE },
};

function respond(req: IncomingMessage, res: ServerResponse, body: string): void {
  const flavorName = (req.url ?? "/").split("/")[1] ?? "";
  const flavor = FLAVORS[flavorName];
  const json = JSON.parse(body || "{}") as Record<string, unknown>;
  if (!flavor || !req.url?.includes("/chat/completions")) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "Resource not found", type: "invalid_request_error", code: "404" } }));
    return;
  }
  if (flavorName === "azure" && !req.headers["api-key"]) {
    res.writeHead(401, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "401", message: "Access denied due to invalid subscription key or wrong API endpoint." } }));
    return;
  }
  const apiVersion = new URL(req.url, "http://fake").searchParams.get("api-version");
  if (flavorName === "azure" && json.stream_options !== undefined && apiVersion !== null && apiVersion < "2024-09-01") {
    // Azure before 2024-09-01-preview does not know stream_options
    res.writeHead(400, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        error: {
          message: "Unrecognized request argument supplied: stream_options",
          type: "invalid_request_error",
          param: null,
          code: null,
        },
      }),
    );
    return;
  }
  const model = flavor.model(String(json.model ?? ""));
  const id = "chatcmpl-" + Math.random().toString(36).slice(2, 10);
  const base = { id, object: "chat.completion", created: 1764115200, model };
  const headers = { "x-request-id": "req-" + flavorName };
  if (json.stream !== true) {
    res.writeHead(200, { ...headers, "content-type": "application/json" });
    const extra =
      flavorName === "azure"
        ? { prompt_filter_results: [{ prompt_index: 0, content_filter_results: AZURE_FILTERS }] }
        : flavorName === "groq"
          ? { x_groq: { id: "req_groq" } }
          : {};
    res.end(
      JSON.stringify({
        ...base,
        choices: [{ index: 0, message: { role: "assistant", content: COMPAT_TEXT.join("") }, finish_reason: "stop" }],
        usage: flavor.usage,
        ...extra,
      }),
    );
    return;
  }
  res.writeHead(200, { ...headers, "content-type": "text/event-stream" });
  const includeUsage = (json.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices, ...extra })}\n\n`;
  const delta = (content: string, finish: string | null = null) => ({ index: 0, delta: { content }, finish_reason: finish });
  if (flavorName === "azure") {
    // Azure's first chunk: prompt filter results, no choices, no usage, empty model.
    res.write(
      `data: ${JSON.stringify({ choices: [], created: 0, id: "", model: "", object: "", prompt_filter_results: [{ prompt_index: 0, content_filter_results: AZURE_FILTERS }] })}\n\n`,
    );
  }
  if (flavorName === "openrouter") res.write(": OPENROUTER PROCESSING\n\n");
  for (let i = 0; i < COMPAT_TEXT.length; i++) {
    const last = i === COMPAT_TEXT.length - 1;
    if (flavorName === "openrouter") res.write(": OPENROUTER PROCESSING\n\n");
    if (flavorName === "groq" && last)
      res.write(chunk([delta(COMPAT_TEXT[i]!, "stop")], { x_groq: { id: "req_groq", usage: GROQ_USAGE } }));
    else if (flavorName === "openrouter" && last) res.write(chunk([delta(COMPAT_TEXT[i]!, "stop")], { usage: OPENROUTER_USAGE }));
    else res.write(chunk([delta(COMPAT_TEXT[i]!, last ? "stop" : null)]));
  }
  if (includeUsage && flavorName !== "openrouter") res.write(chunk([], { usage: flavor.usage }));
  res.end("data: [DONE]\n\n");
}

/**
 * Folds an OpenAI-style stream's events back into the JSON the same call answers without streaming, so a
 * stored streamed answer reads like any other: Chat Completions chunks (OpenAI, Azure, Mistral and other
 * compatible servers) into a chat.completion, Responses API events into the final response object.
 */

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

interface ToolCallParts {
  id?: unknown;
  type?: unknown;
  name: string;
  arguments: string;
}

interface ChoiceParts {
  role: unknown;
  content: string | null;
  refusal: string | null;
  reasoning: string | null;
  toolCalls: Map<number, ToolCallParts>;
  finishReason: unknown;
}

/** Chat Completions chunks → one chat.completion (choices with the whole message, tool calls joined, the final usage). */
export function assembleChat(events: readonly unknown[]): Json {
  let head: Json = {};
  let usage: unknown;
  const choices = new Map<number, ChoiceParts>();
  for (const e of events) {
    const chunk = obj(e);
    if (!chunk) continue;
    if (chunk.error !== undefined) head.error = chunk.error;
    for (const k of ["id", "model", "created", "system_fingerprint", "service_tier"]) if (chunk[k] !== undefined && chunk[k] !== null) head[k] = chunk[k];
    if (chunk.usage) usage = chunk.usage;
    for (const c of Array.isArray(chunk.choices) ? chunk.choices : []) {
      const choice = obj(c);
      if (!choice) continue;
      const index = typeof choice.index === "number" ? choice.index : 0;
      let parts = choices.get(index);
      if (!parts) choices.set(index, (parts = { role: "assistant", content: null, refusal: null, reasoning: null, toolCalls: new Map(), finishReason: null }));
      const delta = obj(choice.delta) ?? {};
      if (typeof delta.role === "string") parts.role = delta.role;
      if (typeof delta.content === "string") parts.content = (parts.content ?? "") + delta.content;
      if (typeof delta.refusal === "string") parts.refusal = (parts.refusal ?? "") + delta.refusal;
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (typeof reasoning === "string") parts.reasoning = (parts.reasoning ?? "") + reasoning;
      for (const t of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
        const call = obj(t);
        if (!call) continue;
        const at = typeof call.index === "number" ? call.index : parts.toolCalls.size;
        let tool = parts.toolCalls.get(at);
        if (!tool) parts.toolCalls.set(at, (tool = { name: "", arguments: "" }));
        if (call.id !== undefined) tool.id = call.id;
        if (call.type !== undefined) tool.type = call.type;
        const fn = obj(call.function);
        if (typeof fn?.name === "string") tool.name += fn.name;
        if (typeof fn?.arguments === "string") tool.arguments += fn.arguments;
      }
      if (choice.finish_reason !== undefined && choice.finish_reason !== null) parts.finishReason = choice.finish_reason;
    }
  }
  head = { ...head, object: "chat.completion" };
  head.choices = [...choices.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, p]) => {
      const message: Json = { role: p.role, content: p.content };
      if (p.refusal !== null) message.refusal = p.refusal;
      if (p.reasoning !== null) message.reasoning_content = p.reasoning;
      if (p.toolCalls.size > 0) {
        message.tool_calls = [...p.toolCalls.entries()]
          .sort(([a], [b]) => a - b)
          .map(([, t]) => ({ id: t.id, type: t.type ?? "function", function: { name: t.name, arguments: t.arguments } }));
      }
      return { index, message, finish_reason: p.finishReason };
    });
  if (usage !== undefined) head.usage = usage;
  return head;
}

const FINAL = new Set(["response.completed", "response.failed", "response.incomplete"]);

/**
 * Responses API events → the response object. Its final event (completed, failed, incomplete) carries the
 * whole response; a stream cut before it gives the created response with the output items that finished and
 * the text of the one in progress.
 */
export function assembleResponses(events: readonly unknown[]): Json {
  let base: Json = {};
  const items: unknown[] = [];
  let partial = "";
  for (const e of events) {
    const event = obj(e);
    if (!event) continue;
    const type = event.type;
    if (typeof type === "string" && FINAL.has(type) && obj(event.response)) return obj(event.response) as Json;
    if (type === "response.created" || type === "response.in_progress") base = obj(event.response) ?? base;
    else if (type === "response.output_item.done") {
      items.push(event.item);
      partial = "";
    } else if (type === "response.output_text.delta" && typeof event.delta === "string") partial += event.delta;
    else if (type === "error") base = { ...base, error: event };
  }
  const output = partial ? [...items, { type: "message", role: "assistant", content: [{ type: "output_text", text: partial }] }] : items;
  return { ...base, output };
}

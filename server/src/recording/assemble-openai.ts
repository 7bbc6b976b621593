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

const HEAD_KEYS = ["id", "model", "created", "system_fingerprint", "service_tier"] as const;

/** Chat Completions chunks folded one by one into a chat.completion. */
export class ChatFold {
  private head: Json = {};
  private usage: unknown;
  private readonly choices = new Map<number, ChoiceParts>();

  private parts(index: number): ChoiceParts {
    let parts = this.choices.get(index);
    if (!parts)
      this.choices.set(
        index,
        (parts = { role: "assistant", content: null, refusal: null, reasoning: null, toolCalls: new Map(), finishReason: null }),
      );
    return parts;
  }

  /** the head fields a chunk sets (id, model…), as the fold takes them */
  headOf(chunk: Json): Json {
    const out: Json = {};
    for (const k of HEAD_KEYS) if (chunk[k] !== undefined && chunk[k] !== null) out[k] = chunk[k];
    return out;
  }

  /** a chunk that only adds `text` to choice `index`'s content, with head fields `head` (see ChatTextFold) */
  addContent(head: Json, index: number, text: string): void {
    Object.assign(this.head, head);
    const parts = this.parts(index);
    parts.content = (parts.content ?? "") + text;
  }

  add(e: unknown): void {
    const chunk = obj(e);
    if (!chunk) return;
    const head = this.head;
    if (chunk.error !== undefined) head.error = chunk.error;
    Object.assign(head, this.headOf(chunk));
    if (chunk.usage) this.usage = chunk.usage;
    for (const c of Array.isArray(chunk.choices) ? chunk.choices : []) {
      const choice = obj(c);
      if (!choice) continue;
      const parts = this.parts(typeof choice.index === "number" ? choice.index : 0);
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

  result(): Json {
    const head: Json = { ...this.head, object: "chat.completion" };
    head.choices = [...this.choices.entries()]
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
    if (this.usage !== undefined) head.usage = this.usage;
    return head;
  }
}

/** Chat Completions chunks → one chat.completion (choices with the whole message, tool calls joined, the final usage). */
export function assembleChat(events: readonly unknown[]): Json {
  const fold = new ChatFold();
  for (const e of events) fold.add(e);
  return fold.result();
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

// Reads a stored request and response (OpenAI Chat Completions and Responses, Anthropic Messages, Gemini
// generateContent) into one shape the call detail renders: who said what, the tool calls and their
// results, and the answer. Anything unrecognised is left to the raw JSON view.

export type Part =
  | { kind: "text"; text: string }
  | { kind: "thinking"; text: string }
  | { kind: "tool_call"; name: string; args: string; id?: string }
  | { kind: "tool_result"; id?: string; name?: string; text: string }
  | { kind: "other"; label: string };

export interface Turn {
  role: string;
  parts: Part[];
}

export type Format = "openai-chat" | "openai-responses" | "anthropic" | "gemini";

export interface Conversation {
  format: Format;
  /** the request's messages, system instructions first */
  messages: Turn[];
  /** the response's message(s); empty when there was none */
  answer: Turn[];
  /** tool names the request offered */
  tools: string[];
  /** the error the response carried, if any */
  error: string | null;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));

function parse(text: string | null | undefined): Json | undefined {
  if (!text) return undefined;
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}

export function formatOf(endpoint: string, request: Json | undefined): Format | null {
  if (endpoint === "chat.completions" || endpoint === "fim.completions") return "openai-chat";
  if (endpoint === "responses") return "openai-responses";
  if (endpoint === "messages") return "anthropic";
  if (endpoint === "generateContent" || endpoint === "streamGenerateContent") return "gemini";
  if (!request) return null;
  if (Array.isArray(request.contents)) return "gemini";
  if (request.input !== undefined) return "openai-responses";
  if (Array.isArray(request.messages))
    return request.system !== undefined || request.max_tokens !== undefined ? "anthropic" : "openai-chat";
  return null;
}

/** Text of a content that is a string or a list of typed parts (text, input_text, output_text…). */
function contentParts(content: unknown): Part[] {
  if (typeof content === "string") return content ? [{ kind: "text", text: content }] : [];
  const parts: Part[] = [];
  for (const p of arr(content)) {
    const part = obj(p);
    if (!part) continue;
    if (typeof part.text === "string") parts.push({ kind: part.type === "thinking" ? "thinking" : "text", text: part.text });
    else if (typeof part.thinking === "string") parts.push({ kind: "thinking", text: part.thinking });
    else if (part.type === "tool_use")
      parts.push({ kind: "tool_call", name: str(part.name), args: JSON.stringify(part.input ?? {}), id: str(part.id) });
    else if (part.type === "tool_result")
      parts.push({
        kind: "tool_result",
        id: str(part.tool_use_id),
        text:
          contentParts(part.content)
            .map((c) => ("text" in c ? c.text : ""))
            .join("\n") || str(part.content),
      });
    else parts.push({ kind: "other", label: str(part.type) || "part" });
  }
  return parts;
}

function openaiMessage(m: Json): Turn {
  const parts = contentParts(m.content);
  if (typeof m.reasoning_content === "string") parts.unshift({ kind: "thinking", text: m.reasoning_content });
  for (const t of arr(m.tool_calls)) {
    const fn = obj(obj(t)?.function);
    parts.push({ kind: "tool_call", name: str(fn?.name), args: str(fn?.arguments), id: str(obj(t)?.id) });
  }
  if (m.role === "tool")
    return {
      role: "tool",
      parts: [{ kind: "tool_result", id: str(m.tool_call_id), text: parts.map((p) => ("text" in p ? p.text : "")).join("\n") }],
    };
  return { role: str(m.role) || "assistant", parts };
}

function responsesItems(items: unknown[], defaultRole: string): Turn[] {
  const turns: Turn[] = [];
  for (const i of items) {
    const item = obj(i);
    if (!item) continue;
    if (item.type === "function_call")
      turns.push({
        role: "assistant",
        parts: [{ kind: "tool_call", name: str(item.name), args: str(item.arguments), id: str(item.call_id) }],
      });
    else if (item.type === "function_call_output")
      turns.push({ role: "tool", parts: [{ kind: "tool_result", id: str(item.call_id), text: str(item.output) }] });
    else if (item.type === "reasoning")
      turns.push({ role: "assistant", parts: arr(item.summary).map((s) => ({ kind: "thinking" as const, text: str(obj(s)?.text) })) });
    else if (item.role !== undefined || item.type === "message")
      turns.push({ role: str(item.role) || defaultRole, parts: contentParts(item.content) });
    else turns.push({ role: defaultRole, parts: [{ kind: "other", label: str(item.type) || "item" }] });
  }
  return turns.filter((t) => t.parts.length > 0);
}

function geminiParts(parts: unknown): Part[] {
  const out: Part[] = [];
  for (const p of arr(parts)) {
    const part = obj(p);
    if (!part) continue;
    if (typeof part.text === "string") out.push({ kind: part.thought ? "thinking" : "text", text: part.text });
    else if (obj(part.functionCall))
      out.push({ kind: "tool_call", name: str(obj(part.functionCall)?.name), args: JSON.stringify(obj(part.functionCall)?.args ?? {}) });
    else if (obj(part.functionResponse))
      out.push({
        kind: "tool_result",
        name: str(obj(part.functionResponse)?.name),
        text: JSON.stringify(obj(part.functionResponse)?.response ?? {}),
      });
    else out.push({ kind: "other", label: Object.keys(part)[0] ?? "part" });
  }
  return out;
}

function errorOf(res: Json | undefined): string | null {
  const e = res?.error;
  if (e === undefined || e === null) return null;
  const o = obj(e);
  return o ? str(o.message ?? o.type ?? o.status) || JSON.stringify(o) : str(e);
}

/** The conversation of a call's stored bodies, or null when the format is unknown or the request is not JSON. */
export function conversationOf(call: { endpoint: string; requestBody?: string | null; responseBody?: string | null }): Conversation | null {
  const req = parse(call.requestBody);
  const res = parse(call.responseBody);
  const format = formatOf(call.endpoint, req);
  if (!format || !req) return null;
  const c: Conversation = { format, messages: [], answer: [], tools: [], error: errorOf(res) };
  if (format === "openai-chat") {
    c.messages = arr(req.messages).map((m) => openaiMessage(obj(m) ?? {}));
    c.tools = arr(req.tools).map((t) => str(obj(obj(t)?.function)?.name ?? obj(t)?.name));
    c.answer = arr(res?.choices).map((ch) => openaiMessage(obj(obj(ch)?.message) ?? {}));
  } else if (format === "openai-responses") {
    if (typeof req.instructions === "string") c.messages.push({ role: "system", parts: [{ kind: "text", text: req.instructions }] });
    c.messages.push(
      ...(typeof req.input === "string"
        ? [{ role: "user", parts: [{ kind: "text" as const, text: req.input }] }]
        : responsesItems(arr(req.input), "user")),
    );
    c.tools = arr(req.tools).map((t) => str(obj(t)?.name ?? obj(t)?.type));
    c.answer = responsesItems(arr(res?.output), "assistant");
  } else if (format === "anthropic") {
    if (req.system !== undefined) c.messages.push({ role: "system", parts: contentParts(req.system) });
    c.messages.push(...arr(req.messages).map((m) => ({ role: str(obj(m)?.role), parts: contentParts(obj(m)?.content) })));
    c.tools = arr(req.tools).map((t) => str(obj(t)?.name));
    if (res && Array.isArray(res.content)) c.answer = [{ role: str(res.role) || "assistant", parts: contentParts(res.content) }];
  } else {
    const system = obj(req.systemInstruction ?? req.system_instruction);
    if (system) c.messages.push({ role: "system", parts: geminiParts(system.parts) });
    c.messages.push(...arr(req.contents).map((m) => ({ role: str(obj(m)?.role) || "user", parts: geminiParts(obj(m)?.parts) })));
    c.tools = arr(req.tools).flatMap((t) => arr(obj(t)?.functionDeclarations).map((d) => str(obj(d)?.name)));
    c.answer = arr(res?.candidates).map((cand) => ({ role: "model", parts: geminiParts(obj(obj(cand)?.content)?.parts) }));
  }
  c.answer = c.answer.filter((t) => t.parts.length > 0);
  return c;
}

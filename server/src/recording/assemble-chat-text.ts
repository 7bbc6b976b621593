import { ChatFold } from "./assemble-openai.ts";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

const CONTENT_OPEN = '"delta":{"content":"';

/**
 * A plain content chunk's text around its content: `prefix + <string body> + suffix` parses to the same
 * chunk with another content. Found once by parsing a chunk whose only change is a content delta.
 */
interface Template {
  prefix: string;
  suffix: string;
  head: Json;
  index: number;
}

/**
 * The template of a parsed chunk that only adds content — one choice, a delta of `content` alone, no
 * finish reason, usage or error — or undefined. Its raw text is cut around the content's string body: the
 * opening `"delta":{"content":"` can only be structure (a quote inside a string is escaped), so any text
 * with the same prefix and suffix and a valid string body between them is the same chunk with other content.
 */
function templateOf(data: string, chunk: Json, fold: ChatFold): Template | undefined {
  if (chunk.usage || chunk.error !== undefined || !Array.isArray(chunk.choices) || chunk.choices.length !== 1) return undefined;
  const choice = obj(chunk.choices[0]);
  const delta = obj(choice?.delta);
  if (!choice || !delta || (choice.finish_reason !== null && choice.finish_reason !== undefined) || typeof delta.content !== "string")
    return undefined;
  const keys = Object.keys(delta);
  if (keys.length !== 1) return undefined;
  const open = data.indexOf(CONTENT_OPEN);
  if (open === -1 || data.indexOf(CONTENT_OPEN, open + 1) !== -1) return undefined;
  const start = open + CONTENT_OPEN.length;
  // The string body ends at the first quote not escaped.
  let end = start;
  for (;;) {
    end = data.indexOf('"', end);
    if (end === -1) return undefined;
    let slashes = 0;
    while (data.charCodeAt(end - 1 - slashes) === 92) slashes++;
    if (slashes % 2 === 0) break;
    end++;
  }
  if (data.charCodeAt(end + 1) !== 125) return undefined; // "}": content is the delta's only member
  return {
    prefix: data.slice(0, start),
    suffix: data.slice(end),
    head: fold.headOf(chunk),
    index: typeof choice.index === "number" ? choice.index : 0,
  };
}

/** The content a text adds when it fits the template, else undefined (then it is parsed whole). */
function contentOf(data: string, t: Template): string | undefined {
  const end = data.length - t.suffix.length;
  // Slices compared with === (a memory compare): startsWith/endsWith walk char by char, ≈8× slower here.
  if (end < t.prefix.length || data.slice(0, t.prefix.length) !== t.prefix || data.slice(end) !== t.suffix) return undefined;
  const body = data.slice(t.prefix.length, end);
  if (body.indexOf('"') === -1 && body.indexOf("\\") === -1) return body;
  try {
    // Valid only when the body is one string's: an unescaped quote would leave text after the string.
    return JSON.parse('"' + body + '"') as string;
  } catch {
    return undefined;
  }
}

/**
 * Chat Completions stream events (each event's data text, as the proxy's stream parser split them) folded
 * into one chat.completion — the same JSON assembleChat gives for the parsed events, without parsing most of
 * them: a stream's content chunks differ only in their content, so after one is parsed the rest are matched
 * against its text and only their content string is read. Anything else (role, tool calls, finish reason,
 * usage, other shapes) is parsed whole.
 */
export function assembleChatText(datas: readonly string[]): Json {
  const fold = new ChatFold();
  let template: Template | undefined;
  for (const data of datas) {
    if (template) {
      const text = contentOf(data, template);
      if (text !== undefined) {
        fold.addContent(template.head, template.index, text);
        continue;
      }
    }
    if (data === "[DONE]") continue;
    let chunk: Json | undefined;
    try {
      chunk = obj(JSON.parse(data));
    } catch {
      continue; // a cut last event
    }
    if (!chunk) continue;
    fold.add(chunk);
    template = templateOf(data, chunk, fold) ?? template;
  }
  return fold.result();
}

// The OpenAI wire format's request side of estimation: what of a request counts as input tokens.
import { PIECE_BREAK } from "../../estimation/tokenizer.ts";
import {
  formatFunctionDefinitions,
  functionDefinitions,
  TOOL_CALL_TOKENS,
  TOOL_CHOICE_NAMED_TOKENS,
  TOOL_CHOICE_NONE_TOKENS,
  TOOL_DEFINITIONS_TOKENS,
  TOOL_DEFINITIONS_WITH_SYSTEM_TOKENS,
} from "../../estimation/tool-text.ts";
import { obj, str } from "../json.ts";
import type { EstimateInput } from "../../estimation/estimate.ts";
import type { RequestInfo } from "../types.ts";

function partsText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content) text += (str(obj(part)?.text) ?? "") + "\n";
  return text;
}

/**
 * A request's input for estimating its tokens when no usage arrives (gathered only then, see estimateJob):
 * chat `messages`; Responses `input` (a string is one user message) and `instructions` (a system message);
 * embeddings `input` (plain texts, no messages, so no per-message overhead). Tool calls in messages count
 * their names and arguments (`tool_calls`, legacy `function_call`, Responses `function_call` items) and tool
 * results their content (`role: "tool"`, `function_call_output`); function definitions (`tools`, legacy
 * `functions`) become the namespace text OpenAI shows the model, with the fixed overheads of
 * ../estimation/tool-text.ts.
 */
export function chatInputText(json: Record<string, unknown>, info?: RequestInfo): EstimateInput {
  let text = "";
  let messages = 0;
  let extraTokens = 0;
  let system = false;
  /** where the first system message's content ends in `text` */
  let systemEnd = -1;
  const conversation = info?.endpoint !== "embeddings";
  const call = (fn: Record<string, unknown> | undefined) => {
    if (!fn) return;
    text += (str(fn.name) ?? "") + PIECE_BREAK + (str(fn.arguments) ?? "") + PIECE_BREAK;
    extraTokens += TOOL_CALL_TOKENS;
  };
  const add = (item: unknown) => {
    if (typeof item === "string") {
      // a conversation's string input is one user message; an embeddings input a plain text
      if (conversation) {
        text += "user" + PIECE_BREAK + item + PIECE_BREAK;
        messages++;
      } else {
        text += item + "\n";
      }
      return;
    }
    const o = obj(item);
    if (!o) return;
    messages++;
    if (o.role === undefined) {
      // Responses items without a role: function_call {name, arguments}, function_call_output {output}, …
      const name = str(o.name);
      text += (name ? name + PIECE_BREAK : "") + (str(o.arguments) ?? "") + (str(o.output) ?? "") + PIECE_BREAK;
      return;
    }
    const first = !system && (o.role === "system" || o.role === "developer");
    if (first) system = true;
    text += (str(o.role) ?? "") + PIECE_BREAK + partsText(o.content);
    if (first) systemEnd = text.length;
    text += PIECE_BREAK;
    const name = str(o.name);
    if (name) {
      // the cookbook's rule: a name costs its tokens and 1 more
      text += name + PIECE_BREAK;
      extraTokens += 1;
    }
    if (Array.isArray(o.tool_calls)) for (const c of o.tool_calls) call(obj(obj(c)?.function));
    call(obj(o.function_call));
  };
  if (Array.isArray(json.messages)) for (const m of json.messages) add(m);
  if (typeof json.instructions === "string") add({ role: "system", content: json.instructions });
  const input = json.input;
  if (Array.isArray(input)) for (const item of input) add(item);
  else add(input);
  const result: EstimateInput = { text, messages };
  const tools = conversation ? formatFunctionDefinitions(functionDefinitions(json.tools, json.functions)) : "";
  if (tools) {
    result.tools = tools;
    // With functions, the first system message reads with a newline after it (openai-chat-tokens' finding).
    if (systemEnd >= 0) result.text = text.slice(0, systemEnd) + "\n" + text.slice(systemEnd);
    extraTokens += system ? TOOL_DEFINITIONS_WITH_SYSTEM_TOKENS : TOOL_DEFINITIONS_TOKENS;
    const choice = json.tool_choice ?? json.function_call;
    if (choice === "none") extraTokens += TOOL_CHOICE_NONE_TOKENS;
    const named = str(obj(obj(choice)?.function)?.name) ?? str(obj(choice)?.name);
    if (named) {
      result.text += named + PIECE_BREAK;
      extraTokens += TOOL_CHOICE_NAMED_TOKENS;
    }
  }
  if (extraTokens) result.extraTokens = extraTokens;
  return result;
}

/**
 * Function (tool) definitions as the model reads them, for estimating input tokens when no usage arrives.
 * Pure string work, no encoding: it runs on the request side when an estimate is due (never for calls that
 * report usage); the estimator's worker thread counts the result.
 *
 * OpenAI does not send the JSON schemas to the model: it rewrites them into a TypeScript-like namespace
 * (`namespace functions { // description \n type name = (_: { prop: type, }) => any; }`), which is not
 * published. The layout below is the one reverse-engineered by hmarr's openai-chat-tokens (src/functions.ts)
 * and reused by LiteLLM's token_counter (`_format_function_definitions`), written here afresh; the fixed
 * token overheads around it are in TOOL_DEFINITIONS_TOKENS and its neighbours. How close it comes is noted
 * there.
 */

/** One function definition: OpenAI's `tools[].function`, legacy `functions[]`, Responses' flat tools. */
export interface FunctionDefinition {
  name: string;
  description?: string;
  parameters?: unknown;
}

/**
 * Tokens a request's function definitions cost beyond the formatted text: 9, less 4 when the conversation
 * has a system message (the definitions then join it instead of adding one). openai-chat-tokens' rule,
 * checked there against the API's prompt_tokens for gpt-3.5-turbo (e.g. one function `foo` without
 * parameters and the user message "hello": 31 reported, 31 counted); LiteLLM applies the same 9 and −4.
 */
export const TOOL_DEFINITIONS_TOKENS = 9;
export const TOOL_DEFINITIONS_WITH_SYSTEM_TOKENS = TOOL_DEFINITIONS_TOKENS - 4;
/** `tool_choice: "none"` costs 1 token; a named tool_choice 7 plus the name's tokens (LiteLLM's token_counter). */
export const TOOL_CHOICE_NONE_TOKENS = 1;
export const TOOL_CHOICE_NAMED_TOKENS = 7;
/**
 * Each tool call in an assistant message costs 3 tokens beyond its name and arguments (openai-chat-tokens'
 * rule for `function_call`, checked against the API: `do_stuff` with `{"foo": "bar", "baz": 1.5}` → 26).
 */
export const TOOL_CALL_TOKENS = 3;

function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The function definitions of a request's `tools` (and legacy `functions`); other tool types are skipped. */
export function functionDefinitions(tools: unknown, functions?: unknown): FunctionDefinition[] {
  const defs: FunctionDefinition[] = [];
  const add = (f: Record<string, unknown> | undefined) => {
    if (f && typeof f.name === "string" && f.name.length > 0) {
      defs.push({ name: f.name, description: typeof f.description === "string" ? f.description : undefined, parameters: f.parameters });
    }
  };
  if (Array.isArray(tools)) {
    for (const t of tools) {
      const tool = rec(t);
      if (!tool) continue;
      const fn = rec(tool.function);
      if (fn)
        add(fn); // chat completions: {type: "function", function: {name, description, parameters}}
      else if (tool.type === "function") add(tool); // Responses: {type: "function", name, description, parameters}
    }
  }
  if (Array.isArray(functions)) for (const f of functions) add(rec(f));
  return defs;
}

/** The namespace text for function definitions; "" when there are none. */
export function formatFunctionDefinitions(defs: readonly FunctionDefinition[]): string {
  if (defs.length === 0) return "";
  const lines = ["namespace functions {", ""];
  for (const f of defs) {
    if (f.description) lines.push(`// ${f.description}`);
    const params = rec(f.parameters);
    const props = rec(params?.properties);
    if (params && props && Object.keys(props).length > 0) {
      lines.push(`type ${f.name} = (_: {`, formatProperties(params, 0), "}) => any;");
    } else {
      lines.push(`type ${f.name} = () => any;`);
    }
    lines.push("");
  }
  lines.push("} // namespace functions");
  return lines.join("\n");
}

/** An object schema's properties, one per line (descriptions as comments), indented; no braces. */
function formatProperties(schema: Record<string, unknown>, indent: number, depth = 0): string {
  const props = rec(schema.properties);
  if (!props) return "";
  const required = Array.isArray(schema.required) ? schema.required : [];
  const lines: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    const prop = rec(value) ?? {};
    if (typeof prop.description === "string" && prop.description) lines.push(`// ${prop.description}`);
    lines.push(`${key}${required.includes(key) ? "" : "?"}: ${formatType(prop, indent, depth + 1)},`);
  }
  const pad = " ".repeat(indent);
  return lines.map((line) => pad + line).join("\n");
}

/** A property's type in TypeScript terms; unions for enums, type lists and anyOf/oneOf. */
function formatType(prop: Record<string, unknown>, indent: number, depth: number): string {
  if (depth > 32) return "any"; // a pathological schema: stop rather than recurse without end
  const union = Array.isArray(prop.anyOf) ? prop.anyOf : Array.isArray(prop.oneOf) ? prop.oneOf : undefined;
  if (union) return union.map((p) => formatType(rec(p) ?? {}, indent, depth + 1)).join(" | ");
  if (Array.isArray(prop.type)) return prop.type.map((t) => formatType({ ...prop, type: t }, indent, depth + 1)).join(" | ");
  const enumValues = Array.isArray(prop.enum) ? prop.enum : undefined;
  switch (prop.type) {
    case "string":
      return enumValues ? enumValues.map((v) => `"${String(v)}"`).join(" | ") : "string";
    case "number":
    case "integer":
      return enumValues ? enumValues.map((v) => String(v)).join(" | ") : "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "object":
      return ["{", formatProperties(prop, indent + 2, depth + 1), "}"].join("\n");
    case "array": {
      const items = rec(prop.items);
      return items ? `${formatType(items, indent, depth + 1)}[]` : "any[]";
    }
    default:
      return enumValues ? enumValues.map((v) => JSON.stringify(v)).join(" | ") : "any";
  }
}

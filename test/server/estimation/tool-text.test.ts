import { describe, expect, it } from "vitest";
import { estimateCallUsage } from "../../../server/src/estimation/estimate.ts";
import { countTokens, PIECE_BREAK } from "../../../server/src/estimation/tokenizer.ts";
import { formatFunctionDefinitions, functionDefinitions } from "../../../server/src/estimation/tool-text.ts";
import { CallState } from "../../../server/src/proxy/call-state.ts";
import { anthropic } from "../../../server/src/providers/anthropic/adapter.ts";
import { gemini } from "../../../server/src/providers/gemini/adapter.ts";
import { openai } from "../../../server/src/providers/openai/adapter.ts";
import type { ProviderAdapter } from "../../../server/src/providers/types.ts";

/** The input tokens Tollgate estimates for a request that got no usage (the real estimateJob path). */
function estimated(
  json: Record<string, unknown>,
  model = "gpt-4o",
  endpoint = "chat.completions",
  adapter: ProviderAdapter = openai,
): number {
  const call = new CallState(
    "01900000-0000-7000-8000-000000000000",
    Date.now(),
    0,
    { name: adapter.format, baseUrl: "http://x", format: adapter.format, priceProvider: adapter.format, apiKey: undefined },
    adapter,
    { app: null, user: null, properties: null },
  );
  call.info = { endpoint, metered: true, model, stream: true, deployment: null };
  call.json = { model, ...json };
  return estimateCallUsage(call)?.inputTokens ?? 0;
}

const sum = (pieces: string[], encoding: "o200k_base" | "cl100k_base" = "o200k_base") =>
  pieces.reduce((n, p) => n + countTokens(p, encoding), 0);

// The cookbook's §7 example ("How to count tokens with tiktoken"), whose printed API answers are quoted below.
const WEATHER_TOOLS = [
  {
    type: "function",
    function: {
      name: "get_current_weather",
      description: "Get the current weather in a given location",
      parameters: {
        type: "object",
        properties: {
          location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
          unit: { type: "string", description: "The unit of temperature to return", enum: ["celsius", "fahrenheit"] },
        },
        required: ["location"],
      },
    },
  },
];
const WEATHER_NAMESPACE = [
  "namespace functions {",
  "",
  "// Get the current weather in a given location",
  "type get_current_weather = (_: {",
  "// The city and state, e.g. San Francisco, CA",
  "location: string,",
  "// The unit of temperature to return",
  'unit?: "celsius" | "fahrenheit",',
  "}) => any;",
  "",
  "} // namespace functions",
].join("\n");
const WEATHER_MESSAGES = [
  { role: "system", content: "You are a helpful assistant that can answer to questions about the weather." },
  { role: "user", content: "What's the weather like in San Francisco?" },
];

describe("function definitions as the model reads them", () => {
  it("formats tools into OpenAI's TypeScript-like namespace", () => {
    expect(formatFunctionDefinitions(functionDefinitions(WEATHER_TOOLS))).toBe(WEATHER_NAMESPACE);
  });

  it("formats nested objects, arrays, enums, unions and functions without parameters; skips non-function tools", () => {
    const defs = functionDefinitions(
      [
        { type: "web_search" },
        {
          type: "function",
          name: "flat",
          description: "Responses' flat shape",
          parameters: { type: "object", properties: { n: { type: ["integer", "null"] } }, required: ["n"] },
        },
      ],
      [
        { name: "noop", parameters: { type: "object", properties: {} } },
        {
          name: "order",
          parameters: {
            type: "object",
            required: ["items"],
            properties: {
              items: {
                type: "array",
                description: "What to buy",
                items: {
                  type: "object",
                  required: ["sku"],
                  properties: { sku: { type: "string" }, qty: { type: "number", enum: [1, 2] } },
                },
              },
              note: { anyOf: [{ type: "string" }, { type: "boolean" }] },
            },
          },
        },
      ],
    );
    expect(defs.map((d) => d.name)).toEqual(["flat", "noop", "order"]);
    expect(formatFunctionDefinitions(defs)).toBe(
      [
        "namespace functions {",
        "",
        "// Responses' flat shape",
        "type flat = (_: {",
        "n: number | null,",
        "}) => any;",
        "",
        "type noop = () => any;",
        "",
        "type order = (_: {",
        "// What to buy",
        "items: {",
        "  sku: string,",
        "  qty?: 1 | 2,",
        "}[],",
        "note?: string | boolean,",
        "}) => any;",
        "",
        "} // namespace functions",
      ].join("\n"),
    );
    expect(formatFunctionDefinitions([])).toBe("");
  });
});

describe("estimated input tokens with tools", () => {
  it("matches the API's prompt_tokens in OpenAI's cookbook example: 101 on gpt-4o, 105 on gpt-4", () => {
    expect(estimated({ messages: WEATHER_MESSAGES, tools: WEATHER_TOOLS }, "gpt-4o")).toBe(101);
    expect(estimated({ messages: WEATHER_MESSAGES, tools: WEATHER_TOOLS }, "gpt-4")).toBe(105);
    // the documented method: messages (3 each + roles and contents, the system one padded with "\n"),
    // 3 to prime the reply, the namespace text, 9 for the definitions less 4 as there is a system message
    const messages = sum(["system", WEATHER_MESSAGES[0]!.content + "\n", "user", WEATHER_MESSAGES[1]!.content]) + 2 * 3 + 3;
    expect(estimated({ messages: WEATHER_MESSAGES, tools: WEATHER_TOOLS })).toBe(messages + countTokens(WEATHER_NAMESPACE) + 9 - 4);
    expect(estimated({ messages: WEATHER_MESSAGES })).toBe(
      sum(["system", WEATHER_MESSAGES[0]!.content, "user", WEATHER_MESSAGES[1]!.content]) + 2 * 3 + 3,
    );
  });

  // Counts published by openai-chat-tokens as gpt-3.5-turbo's reported prompt_tokens (cl100k_base).
  const published: [string, Record<string, unknown>, number][] = [
    ["one user message", { messages: [{ role: "user", content: "hello" }] }, 8],
    [
      "three messages",
      {
        messages: [
          { role: "system", content: "# Important: you're the best robot" },
          { role: "user", content: "hello robot" },
          { role: "assistant", content: "hello world" },
        ],
      },
      27,
    ],
    [
      "a function without parameters",
      { messages: [{ role: "user", content: "hello" }], functions: [{ name: "foo", parameters: { type: "object", properties: {} } }] },
      31,
    ],
    [
      "a described function",
      {
        messages: [{ role: "user", content: "hello" }],
        functions: [{ name: "foo", description: "Do a foo", parameters: { type: "object", properties: {} } }],
      },
      36,
    ],
    [
      "two parameters",
      {
        messages: [{ role: "user", content: "hello" }],
        functions: [
          {
            name: "bing_bong",
            description: "Do a bing bong",
            parameters: { type: "object", properties: { foo: { type: "string" }, bar: { type: "number", description: "A number" } } },
          },
        ],
      },
      57,
    ],
    [
      "a nested object with an enum",
      {
        messages: [{ role: "user", content: "hello" }],
        functions: [
          {
            name: "bing_bong",
            description: "Do a bing bong",
            parameters: {
              type: "object",
              properties: {
                foo: { type: "object", properties: { bar: { type: "string", enum: ["a", "b", "c"] }, baz: { type: "boolean" } } },
              },
            },
          },
        ],
      },
      68,
    ],
    [
      "a function call in an assistant message",
      { messages: [{ role: "assistant", content: "", function_call: { name: "do_stuff", arguments: `{"foo": "bar", "baz": 1.5}` } }] },
      26,
    ],
    [
      "a system message and a function",
      {
        messages: [
          { role: "system", content: "Hello" },
          { role: "user", content: "Hi there" },
        ],
        functions: [{ name: "do_stuff", parameters: { type: "object", properties: {} } }],
      },
      35,
    ],
    [
      "arrays of objects (validated against the API there)",
      {
        messages: [{ role: "user", content: "hello" }],
        functions: [
          {
            name: "get_recipe",
            parameters: {
              type: "object",
              required: ["ingredients", "instructions", "time_to_cook"],
              properties: {
                ingredients: {
                  type: "array",
                  items: {
                    type: "object",
                    required: ["name", "unit", "amount"],
                    properties: {
                      name: { type: "string" },
                      unit: { enum: ["grams", "ml", "cups", "pieces", "teaspoons"], type: "string" },
                      amount: { type: "number" },
                    },
                  },
                },
                instructions: { type: "array", items: { type: "string" }, description: "Steps to prepare the recipe (no numbering)" },
                time_to_cook: { type: "number", description: "Total time to prepare the recipe in minutes" },
              },
            },
          },
        ],
      },
      106,
    ],
  ];
  it.each(published)("matches a published count: %s", (_, json, tokens) => {
    expect(estimated(json, "gpt-3.5-turbo")).toBe(tokens);
  });

  it("counts tool calls (name, arguments, 3 each) and tool results (role and content)", () => {
    const args = '{"location":"Paris, France","unit":"celsius"}';
    const result = '{"temperature":18,"conditions":"light rain"}';
    const messages = [
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "get_current_weather", arguments: args } }],
      },
      { role: "tool", tool_call_id: "call_1", content: result },
    ];
    const expected = sum(["user", "Weather in Paris?", "assistant", "", "get_current_weather", args, "tool", result]) + 3 * 3 + 3 + 3;
    expect(estimated({ messages })).toBe(expected);
    // without the call and the result the estimate drops by exactly their share
    expect(estimated({ messages: messages.slice(0, 1) })).toBe(
      expected - sum(["assistant", "get_current_weather", args, "tool", result]) - 2 * 3 - 3,
    );
    // two parallel calls cost two names, two arguments and 3 each
    const twice = [
      messages[0],
      {
        ...messages[1],
        tool_calls: [
          messages[1]!.tool_calls![0],
          { id: "call_2", type: "function", function: { name: "get_current_weather", arguments: args } },
        ],
      },
    ];
    expect(estimated({ messages: twice })).toBe(
      sum(["user", "Weather in Paris?", "assistant", "", "get_current_weather", args, "get_current_weather", args]) + 2 * 3 + 2 * 3 + 3,
    );
  });

  it("counts tool_choice: none adds 1, a named function 7 and its name", () => {
    const base = estimated({ messages: WEATHER_MESSAGES, tools: WEATHER_TOOLS });
    expect(estimated({ messages: WEATHER_MESSAGES, tools: WEATHER_TOOLS, tool_choice: "auto" })).toBe(base);
    expect(estimated({ messages: WEATHER_MESSAGES, tools: WEATHER_TOOLS, tool_choice: "none" })).toBe(base + 1);
    expect(
      estimated({
        messages: WEATHER_MESSAGES,
        tools: WEATHER_TOOLS,
        tool_choice: { type: "function", function: { name: "get_current_weather" } },
      }),
    ).toBe(base + 7 + countTokens("get_current_weather"));
  });

  it("counts Responses tools (flat) and function_call / function_call_output items", () => {
    const tools = [{ type: "function", ...WEATHER_TOOLS[0]!.function }, { type: "web_search" }];
    const input = [
      { role: "user", content: "Weather in Paris?" },
      { type: "function_call", call_id: "c1", name: "get_current_weather", arguments: '{"location":"Paris"}' },
      { type: "function_call_output", call_id: "c1", output: "18C" },
    ];
    const messages = sum(["user", "Weather in Paris?", "get_current_weather", '{"location":"Paris"}', "18C"]) + 3 * 3 + 3;
    expect(estimated({ input }, "gpt-5-mini", "responses")).toBe(messages);
    expect(estimated({ input, tools }, "gpt-5-mini", "responses")).toBe(messages + countTokens(WEATHER_NAMESPACE) + 9);
  });

  it("encodes pieces apart: no token spans a PIECE_BREAK and the break itself costs nothing", () => {
    expect(countTokens(`user${PIECE_BREAK}Say hello${PIECE_BREAK}`)).toBe(countTokens("user") + countTokens("Say hello"));
    expect(countTokens(`a${PIECE_BREAK}${"x".repeat(600)}`)).toBe(countTokens("a") + countTokens("x".repeat(600)));
  });
});

describe("estimated input tokens with tools: Anthropic and Gemini (approximations: no published rule)", () => {
  const schema = { type: "object", properties: { location: { type: "string", description: "City" } }, required: ["location"] };

  it("Anthropic: tools as JSON, tool_use names and inputs, tool_result contents, and the tool-use system prompt", () => {
    const tools = [{ name: "get_weather", description: "Get the weather", input_schema: schema }];
    const messages = [
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "tu_1", name: "get_weather", input: { location: "Paris" } },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "tu_1", content: "18C, light rain" }] },
    ];
    const text = 'Be brief.\nuser\nWeather in Paris?\nassistant\nChecking.\nget_weather\n{"location":"Paris"}\nuser\n18C, light rain';
    const base = countTokens(text) + 3 * 3 + 3;
    const json = { system: "Be brief.", messages };
    expect(estimated(json, "claude-sonnet-4-5", "messages", anthropic)).toBe(base);
    // with tools: their JSON and the system prompt Anthropic adds (346 with tool_choice auto, 313 with any)
    const withTools = countTokens(text + "\n" + JSON.stringify(tools)) + 3 * 3 + 3;
    expect(estimated({ ...json, tools }, "claude-sonnet-4-5", "messages", anthropic)).toBe(withTools + 346);
    expect(estimated({ ...json, tools, tool_choice: { type: "any" } }, "claude-sonnet-4-5", "messages", anthropic)).toBe(withTools + 313);
    expect(estimated({ ...json, tools }, "claude-3-haiku-20240307", "messages", anthropic)).toBe(withTools + 264);
    expect(estimated({ ...json, tools: [] }, "claude-sonnet-4-5", "messages", anthropic)).toBe(base);
  });

  it("Gemini: functionDeclarations as JSON, functionCall and functionResponse parts by name and JSON", () => {
    const declarations = [{ name: "get_weather", description: "Get the weather", parameters: schema }];
    const contents = [
      { role: "user", parts: [{ text: "Weather in Paris?" }] },
      { role: "model", parts: [{ functionCall: { name: "get_weather", args: { location: "Paris" } } }] },
      { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { temperature: 18 } } }] },
    ];
    const text = '\nuser\nWeather in Paris?\nmodel\nget_weather\n{"location":"Paris"}\nuser\nget_weather\n{"temperature":18}';
    expect(estimated({ contents }, "gemini-2.5-flash", "streamGenerateContent", gemini)).toBe(countTokens(text) + 3 * 3 + 3);
    const tools = [{ functionDeclarations: declarations }, { googleSearch: {} }];
    expect(estimated({ contents, tools }, "gemini-2.5-flash", "streamGenerateContent", gemini)).toBe(
      countTokens(text + "\n" + JSON.stringify(declarations)) + 3 * 3 + 3,
    );
  });
});

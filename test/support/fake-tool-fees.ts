import type { IncomingMessage, ServerResponse } from "node:http";
import { startFakeServer, type FakeServer } from "./fake-server.ts";

/**
 * One fake upstream answering Anthropic, OpenAI Responses / Chat Completions and Gemini with server-side tool
 * use, in the shapes of the providers' documentation: Anthropic's web search tool page (server_tool_use and
 * web_search_tool_result blocks, usage.server_tool_use.web_search_requests), OpenAI's web search and file
 * search guides (web_search_call / file_search_call output items), Gemini's grounding page
 * (candidates[].groundingMetadata.webSearchQueries). The requested model picks the answer.
 */
export function startFakeToolFees(): Promise<FakeServer> {
  return startFakeServer(respond);
}

const json = (res: ServerResponse, body: unknown) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
const sse = (res: ServerResponse, events: Array<[string | null, unknown]>) => {
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const [event, data] of events) res.write(`${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`);
  res.end();
};

const SEARCH_RESULT = {
  type: "web_search_result",
  url: "https://en.wikipedia.org/wiki/Claude_Shannon",
  title: "Claude Shannon - Wikipedia",
  encrypted_content: "EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5LTQ1NGUtODgxNC1kNjNjNTk1ZWI3Y2",
  page_age: "April 30, 2025",
};

export const ANTHROPIC_SEARCH_USAGE = {
  input_tokens: 6039,
  output_tokens: 931,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  server_tool_use: { web_search_requests: 10 },
  service_tier: "standard",
};

function anthropic(res: ServerResponse, body: Record<string, unknown>): void {
  const model = String(body.model);
  const message = (content: unknown[], usage: unknown) => ({
    id: "msg_01Fees",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content,
    stop_reason: "end_turn",
    stop_sequence: null,
    usage,
  });
  if (model.endsWith("-code")) {
    return json(
      res,
      message(
        [
          { type: "server_tool_use", id: "srvtoolu_01Code", name: "bash_code_execution", input: { command: "python -c 'print(2**10)'" } },
          {
            type: "bash_code_execution_tool_result",
            tool_use_id: "srvtoolu_01Code",
            content: { type: "bash_code_execution_result", stdout: "1024\n", stderr: "", return_code: 0, content: [] },
          },
          { type: "text", text: "2^10 is 1024." },
        ],
        {
          input_tokens: 2000,
          output_tokens: 300,
          server_tool_use: { web_search_requests: 0, web_fetch_requests: 2 },
          service_tier: "standard",
        },
      ),
    );
  }
  const content = [
    { type: "text", text: "I'll search for when Claude Shannon was born." },
    { type: "server_tool_use", id: "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE", name: "web_search", input: { query: "claude shannon birth date" } },
    { type: "web_search_tool_result", tool_use_id: "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE", content: [SEARCH_RESULT] },
    {
      type: "text",
      text: "Claude Shannon was born on April 30, 1916, in Petoskey, Michigan",
      citations: [
        {
          type: "web_search_result_location",
          url: SEARCH_RESULT.url,
          title: SEARCH_RESULT.title,
          encrypted_index: "Eo8BCioIAhgBIiQyYjQ0OWJmZi1lNm",
          cited_text: "Claude Elwood Shannon (April 30, 1916 – February 24, 2001) was an American mathematician",
        },
      ],
    },
  ];
  if (body.stream !== true) return json(res, message(content, ANTHROPIC_SEARCH_USAGE));
  sse(res, [
    [
      "message_start",
      {
        type: "message_start",
        message: {
          ...message([], {
            input_tokens: 6039,
            output_tokens: 1,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            server_tool_use: { web_search_requests: 0 },
            service_tier: "standard",
          }),
          stop_reason: null,
        },
      },
    ],
    [
      "content_block_start",
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "server_tool_use", id: "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE", name: "web_search", input: {} },
      },
    ],
    [
      "content_block_delta",
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"query":"claude shannon birth date"}' } },
    ],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    [
      "content_block_start",
      {
        type: "content_block_start",
        index: 1,
        content_block: { type: "web_search_tool_result", tool_use_id: "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE", content: [SEARCH_RESULT] },
      },
    ],
    ["content_block_stop", { type: "content_block_stop", index: 1 }],
    ["content_block_start", { type: "content_block_start", index: 2, content_block: { type: "text", text: "" } }],
    [
      "content_block_delta",
      { type: "content_block_delta", index: 2, delta: { type: "text_delta", text: "Claude Shannon was born on April 30, 1916." } },
    ],
    ["content_block_stop", { type: "content_block_stop", index: 2 }],
    [
      "message_delta",
      {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: {
          input_tokens: 6039,
          output_tokens: 931,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          server_tool_use: { web_search_requests: 3 },
        },
      },
    ],
    ["message_stop", { type: "message_stop" }],
  ]);
}

export const RESPONSES_USAGE = {
  input_tokens: 328,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 356,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 684,
};

function responses(res: ServerResponse, body: Record<string, unknown>): void {
  const response = {
    id: "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
    object: "response",
    created_at: 1741476542,
    status: "completed",
    model: "gpt-4.1-2025-04-14",
    output: [
      {
        type: "web_search_call",
        id: "ws_67c9fa0502748190b7dd390736892e100be649c1a5ff9609",
        status: "completed",
        action: { type: "search", query: "positive news today" },
      },
      {
        type: "web_search_call",
        id: "ws_67c9fa0502748190b7dd390736892e100be649c1a5ff9610",
        status: "completed",
        action: { type: "search", query: "good news story December" },
      },
      {
        type: "file_search_call",
        id: "fs_67c09ccea8c48191ade9367e3ba71515",
        status: "completed",
        queries: ["What is deep research?"],
        results: null,
      },
      {
        type: "message",
        id: "msg_67c9fa077e288190af08fdffda2e34f20be649c1a5ff9609",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "On March 6, 2025, several news...", annotations: [] }],
      },
    ],
    service_tier: "default",
    usage: RESPONSES_USAGE,
  };
  if (body.stream !== true) return json(res, response);
  sse(res, [
    [
      "response.created",
      { type: "response.created", sequence_number: 0, response: { ...response, status: "in_progress", output: [], usage: null } },
    ],
    [
      "response.output_text.delta",
      {
        type: "response.output_text.delta",
        sequence_number: 1,
        item_id: "msg_67c9",
        output_index: 3,
        content_index: 0,
        delta: "On March 6, 2025",
      },
    ],
    ["response.completed", { type: "response.completed", sequence_number: 2, response }],
  ]);
}

function chatSearch(res: ServerResponse): void {
  json(res, {
    id: "chatcmpl-BFees",
    object: "chat.completion",
    created: 1741476542,
    model: "gpt-4o-search-preview-2025-03-11",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: "Here is a positive story…",
          annotations: [
            { type: "url_citation", url_citation: { start_index: 0, end_index: 10, title: "Good news", url: "https://example.com/news" } },
          ],
        },
        finish_reason: "stop",
      },
    ],
    usage: {
      prompt_tokens: 20,
      completion_tokens: 100,
      total_tokens: 120,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
  });
}

/** Gemini's grounding example: the queries it ran, the sources, and the supports. */
function grounding(queries: string[]) {
  return {
    webSearchQueries: queries,
    searchEntryPoint: { renderedContent: "<!-- HTML and CSS for the search widget -->" },
    groundingChunks: [{ web: { uri: "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9wXE", title: "aljazeera.com" } }],
    groundingSupports: [
      {
        segment: { startIndex: 0, endIndex: 85, text: "Spain won Euro 2024, defeating England 2-1 in the final." },
        groundingChunkIndices: [0],
        confidenceScores: [0.97],
      },
    ],
  };
}

function gemini(req: IncomingMessage, res: ServerResponse): void {
  const m = /\/models\/([^/:]+):(generateContent|streamGenerateContent)/.exec(req.url ?? "");
  const model = m?.[1] ?? "";
  const three = model.startsWith("gemini-3");
  // Gemini 3 sometimes lists empty and repeated queries; only unique non-empty ones are billed.
  const queries = three
    ? ["", "UEFA Euro 2024 winner", "who won euro 2024", "UEFA Euro 2024 winner"]
    : ["UEFA Euro 2024 winner", "who won euro 2024"];
  const usage = three
    ? { promptTokenCount: 100, candidatesTokenCount: 50, totalTokenCount: 150 }
    : { promptTokenCount: 12, candidatesTokenCount: 66, totalTokenCount: 78 };
  const text = "Spain won Euro 2024, defeating England 2-1 in the final.";
  const answer = (withGrounding: boolean, finish: boolean, u: unknown) => ({
    candidates: [
      {
        content: { role: "model", parts: [{ text }] },
        ...(finish ? { finishReason: "STOP" } : {}),
        ...(withGrounding ? { groundingMetadata: grounding(queries) } : {}),
      },
    ],
    usageMetadata: u,
    modelVersion: model,
    responseId: "fees-1",
  });
  if (m?.[2] === "generateContent") return json(res, answer(true, true, usage));
  sse(res, [
    [null, answer(false, false, { promptTokenCount: usage.promptTokenCount, totalTokenCount: usage.promptTokenCount })],
    [null, answer(true, true, usage)],
  ]);
}

async function respond(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
  const body = JSON.parse(raw || "{}") as Record<string, unknown>;
  const url = req.url ?? "";
  if (url.includes("/models/")) return gemini(req, res);
  if (url.endsWith("/v1/messages")) return anthropic(res, body);
  if (url.endsWith("/v1/responses")) return responses(res, body);
  if (url.endsWith("/v1/chat/completions")) return chatSearch(res);
  res.writeHead(404).end();
}

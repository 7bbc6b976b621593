import { describe, expect, it } from "vitest";
import { assembleAnthropic } from "../../../server/src/recording/assemble-anthropic.ts";
import { assembleGemini } from "../../../server/src/recording/assemble-gemini.ts";
import { assembleChat, assembleResponses } from "../../../server/src/recording/assemble-openai.ts";
import { capText } from "../../../server/src/recording/body-record.ts";

// Streams with tool calls, as each provider's API reference shows them, folded back into the unstreamed shape.
describe("stream assembly", () => {
  it("joins Chat Completions content and tool call argument deltas by index", () => {
    const chunk = (delta: unknown, finish: string | null = null) => ({
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      created: 1,
      model: "gpt-4o",
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    const out = assembleChat([
      chunk({
        role: "assistant",
        content: null,
        tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "get_time", arguments: "{}" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({}, "tool_calls"),
      { id: "chatcmpl-1", choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } },
    ]);
    expect(out).toEqual({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1,
      model: "gpt-4o",
      choices: [
        {
          index: 0,
          finish_reason: "tool_calls",
          message: {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
              { id: "call_b", type: "function", function: { name: "get_time", arguments: "{}" } },
            ],
          },
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
  });

  it("takes the Responses API's final response, or what finished before a cut", () => {
    const response = { id: "resp_1", status: "completed", output: [{ type: "function_call", name: "f", arguments: "{}" }] };
    expect(
      assembleResponses([
        { type: "response.created", response: { id: "resp_1", status: "in_progress", output: [] } },
        { type: "response.completed", response },
      ]),
    ).toEqual(response);
    expect(
      assembleResponses([
        { type: "response.created", response: { id: "resp_1", status: "in_progress", output: [] } },
        { type: "response.output_item.done", item: { type: "reasoning", summary: [] } },
        { type: "response.output_text.delta", delta: "Hel" },
        { type: "response.output_text.delta", delta: "lo" },
      ]),
    ).toEqual({
      id: "resp_1",
      status: "in_progress",
      output: [
        { type: "reasoning", summary: [] },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "Hello" }] },
      ],
    });
  });

  it("rebuilds Anthropic content blocks: text, tool_use input from JSON deltas, thinking; final usage", () => {
    const out = assembleAnthropic([
      {
        type: "message_start",
        message: {
          id: "msg_1",
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-5",
          content: [],
          stop_reason: null,
          usage: { input_tokens: 10, output_tokens: 1 },
        },
      },
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Let me" } },
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig" } },
      { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Checking" } },
      { type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "toolu_1", name: "get_weather", input: {} } },
      { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '{"location": "San' } },
      { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: ' Francisco"}' } },
      { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 89 } },
      { type: "message_stop" },
    ]);
    expect(out).toEqual({
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 89 },
      content: [
        { type: "thinking", thinking: "Let me", signature: "sig" },
        { type: "text", text: "Checking" },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { location: "San Francisco" } },
      ],
    });
  });

  it("joins Gemini text parts and keeps function calls, with the last usage", () => {
    const out = assembleGemini([
      {
        candidates: [{ content: { role: "model", parts: [{ text: "Let me " }] } }],
        usageMetadata: { promptTokenCount: 5 },
        modelVersion: "gemini-2.5-flash",
      },
      { candidates: [{ content: { role: "model", parts: [{ text: "check." }] } }], usageMetadata: { promptTokenCount: 5 } },
      {
        candidates: [
          { content: { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }] }, finishReason: "STOP" },
        ],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 9 },
      },
    ]);
    expect(out).toEqual({
      modelVersion: "gemini-2.5-flash",
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 9 },
      candidates: [
        {
          index: 0,
          finishReason: "STOP",
          content: {
            role: "model",
            parts: [{ text: "Let me check." }, { functionCall: { name: "get_weather", args: { city: "Paris" } } }],
          },
        },
      ],
    });
  });

  it("cuts text on a UTF-8 character boundary", () => {
    expect(capText("abc", 3)).toEqual({ text: "abc", truncated: false });
    expect(capText("aé€😀", 4)).toEqual({ text: "aé", truncated: true });
    expect(capText("😀😀", 5)).toEqual({ text: "😀", truncated: true });
  });
});

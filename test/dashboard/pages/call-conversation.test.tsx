// @vitest-environment jsdom
import { fireEvent, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { CallDetail } from "../../../dashboard/src/api.ts";
import { conversationOf } from "../../../dashboard/src/lib/conversation.ts";
import { makeCall } from "../support/fixtures.ts";
import { defaultApi, renderApp, teardown } from "../support/render-app.tsx";

afterEach(teardown);

const chatRequest = {
  model: "gpt-4o",
  tools: [{ type: "function", function: { name: "get_weather", parameters: {} } }],
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Weather in Paris? my key is [redacted]" },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
    },
    { role: "tool", tool_call_id: "call_1", content: '{"temp":21}' },
  ],
};
const chatResponse = {
  id: "chatcmpl-1",
  object: "chat.completion",
  choices: [{ index: 0, message: { role: "assistant", content: "21 °C and sunny." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 10, completion_tokens: 5 },
};

function detail(over: Partial<CallDetail>): CallDetail {
  return { ...makeCall({ id: "c-1", endpoint: "chat.completions" }), price: null, ...over };
}

describe("Call detail: conversation, raw JSON, curl, waterfall", () => {
  it("renders an OpenAI chat call's messages, tool call and result, and the answer", async () => {
    const call = detail({
      requestBody: JSON.stringify(chatRequest),
      responseBody: JSON.stringify(chatResponse),
      responseAssembled: true,
      request: { method: "POST", path: "/v1/chat/completions", query: null, headers: { "content-type": "application/json" } },
    });
    renderApp("#/calls/c-1", (url, m, b) => (url.pathname === "/api/calls/c-1" ? { body: call } : defaultApi(url, m, b)));
    const messages = await screen.findAllByTestId("message");
    expect(messages.map((m) => m.getAttribute("data-role"))).toEqual(["system", "user", "assistant", "tool"]);
    expect(messages[1]!.textContent).toContain("Weather in Paris?");
    expect(within(messages[2]!).getByTestId("tool-call").textContent).toContain("get_weather");
    expect(within(messages[2]!).getByTestId("tool-call").textContent).toContain('"city": "Paris"');
    expect(within(messages[3]!).getByTestId("tool-result").textContent).toContain('"temp": 21');
    expect(screen.getByTestId("answer").textContent).toContain("21 °C and sunny.");
    expect(screen.getByTestId("tools-offered").textContent).toContain("get_weather");
    expect(screen.getByTestId("call-bodies").textContent).toContain("assembled from the stream");

    fireEvent.click(screen.getByTestId("toggle-raw"));
    expect(JSON.parse(screen.getByTestId("raw-request").textContent!)).toEqual(chatRequest);
    expect(JSON.parse(screen.getByTestId("raw-response").textContent!)).toEqual(chatResponse);
    fireEvent.click(screen.getByTestId("toggle-raw"));
    expect(screen.getAllByTestId("message")).toHaveLength(4);

    const curl = screen.getByTestId("curl-command").textContent!;
    expect(curl).toContain(`curl -X POST '${window.location.origin}/openai/v1/chat/completions'`);
    expect(curl).toContain('-H "Authorization: Bearer $OPENAI_API_KEY"');
    expect(curl).toContain("-H 'content-type: application/json'");
    expect(curl).toContain("-H 'x-tollgate-app: search'");
    expect(curl).toContain(`--data-binary '${JSON.stringify(chatRequest)}'`);
    // The detail's field list does not repeat the bodies.
    expect(screen.queryByTestId("field-requestBody")).toBeNull();
  });

  it("shows the waterfall of the call's session with the call highlighted", async () => {
    const call = detail({ sessionId: "run-42", traceId: "4bf92f3577b34da6a3ce929d0e0e4736" });
    const sessionCalls = ["c-0", "c-1"].map((id, i) => ({
      id,
      startedAt: "2026-11-26T11:00:00.000Z",
      offsetMs: i * 100,
      latencyMs: 100,
      ttftMs: 40,
      costUsd: "0.001",
      provider: "openai",
      endpoint: "chat.completions",
      model: "gpt-4o",
      app: "agent",
      outcome: "ok",
      status: 200,
      stream: false,
      inputTokens: 1,
      outputTokens: 1,
      traceId: null,
      parentSpanId: null,
    }));
    const { calls } = renderApp("#/calls/c-1", (url, m, b) => {
      if (url.pathname === "/api/calls/c-1") return { body: call };
      if (url.pathname === "/api/sessions/run-42") return { body: { session: { id: "run-42", calls: 2 }, calls: sessionCalls } };
      return defaultApi(url, m, b);
    });
    const rows = await screen.findAllByTestId("waterfall-row");
    expect(rows.map((r) => r.className)).toEqual(["", "current"]);
    expect(screen.getByTestId("open-session").getAttribute("href")).toBe("#/sessions/run-42");
    expect(calls.map((c) => c.url.pathname).filter((p) => /^\/api\/(calls|sessions)/.test(p))).toEqual([
      "/api/calls/c-1",
      "/api/sessions/run-42",
    ]);
    expect(screen.queryByTestId("call-bodies")).toBeNull(); // no bodies stored
  });

  it("reads Anthropic, Gemini and Responses conversations", () => {
    const anthropic = conversationOf({
      endpoint: "messages",
      requestBody: JSON.stringify({
        system: "Be brief.",
        messages: [
          { role: "user", content: "Weather?" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "21" }] },
        ],
        tools: [{ name: "get_weather" }],
      }),
      responseBody: JSON.stringify({
        role: "assistant",
        content: [
          { type: "thinking", thinking: "easy" },
          { type: "text", text: "21 °C" },
        ],
      }),
    })!;
    expect(anthropic.messages.map((t) => t.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(anthropic.messages[2]!.parts[0]).toEqual({ kind: "tool_call", name: "get_weather", args: '{"city":"Paris"}', id: "toolu_1" });
    expect(anthropic.messages[3]!.parts[0]).toEqual({ kind: "tool_result", id: "toolu_1", text: "21" });
    expect(anthropic.answer[0]!.parts).toEqual([
      { kind: "thinking", text: "easy" },
      { kind: "text", text: "21 °C" },
    ]);
    expect(anthropic.tools).toEqual(["get_weather"]);

    const gemini = conversationOf({
      endpoint: "streamGenerateContent",
      requestBody: JSON.stringify({
        systemInstruction: { parts: [{ text: "Be brief." }] },
        contents: [
          { role: "user", parts: [{ text: "Weather?" }] },
          { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }] },
          { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { temp: 21 } } }] },
        ],
      }),
      responseBody: JSON.stringify({ candidates: [{ content: { role: "model", parts: [{ text: "21 °C" }] } }] }),
    })!;
    expect(gemini.messages.map((t) => t.role)).toEqual(["system", "user", "model", "user"]);
    expect(gemini.messages[3]!.parts[0]).toEqual({ kind: "tool_result", name: "get_weather", text: '{"temp":21}' });
    expect(gemini.answer[0]!.parts).toEqual([{ kind: "text", text: "21 °C" }]);

    const responses = conversationOf({
      endpoint: "responses",
      requestBody: JSON.stringify({
        instructions: "Be brief.",
        input: [
          { role: "user", content: [{ type: "input_text", text: "Weather?" }] },
          { type: "function_call", name: "get_weather", arguments: "{}", call_id: "c1" },
          { type: "function_call_output", call_id: "c1", output: "21" },
        ],
      }),
      responseBody: JSON.stringify({ output: [{ type: "message", role: "assistant", content: [{ type: "output_text", text: "21 °C" }] }] }),
    })!;
    expect(responses.messages.map((t) => t.role)).toEqual(["system", "user", "assistant", "tool"]);
    expect(responses.answer[0]!.parts).toEqual([{ kind: "text", text: "21 °C" }]);

    const failed = conversationOf({
      endpoint: "chat.completions",
      requestBody: JSON.stringify({ messages: [] }),
      responseBody: JSON.stringify({ error: { message: "Rate limit reached" } }),
    })!;
    expect(failed.error).toBe("Rate limit reached");
  });

  it("puts the key header of each provider as a placeholder in the curl command", async () => {
    const call = detail({
      provider: "anthropic",
      endpoint: "messages",
      app: "unknown",
      requestBody: JSON.stringify({ model: "claude", messages: [{ role: "user", content: "it's" }] }),
      responseBody: null,
      requestTruncated: true,
      request: { method: "POST", path: "/v1/messages", query: null, headers: { "anthropic-version": "2023-06-01" } },
    });
    renderApp("#/calls/c-1", (url, m, b) => (url.pathname === "/api/calls/c-1" ? { body: call } : defaultApi(url, m, b)));
    const curl = (await screen.findByTestId("curl-command")).textContent!;
    expect(curl).toContain('-H "x-api-key: $ANTHROPIC_API_KEY"');
    expect(curl).toContain("-H 'anthropic-version: 2023-06-01'");
    expect(curl).toContain(`'{"model":"claude","messages":[{"role":"user","content":"it'\\''s"}]}'`);
    expect(curl).toMatch(/^# the stored body was cut/);
    expect(curl).not.toContain("x-tollgate-app");
  });
});

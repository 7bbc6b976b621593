import { describe, expect, it } from "vitest";
import { scanStringValues } from "../../../server/src/providers/json.ts";
import { openai } from "../../../server/src/providers/openai/adapter.ts";
import { gemini } from "../../../server/src/providers/gemini/adapter.ts";

const chunk = (choices: unknown[]) => JSON.stringify({ id: "c", object: "chat.completion.chunk", model: "m", choices });

describe("finish reasons read without a parse", () => {
  it("reads every choice's reason in order, skips nulls, and is not fooled by text", () => {
    const out: string[] = [];
    scanStringValues(chunk([{ index: 0, delta: { content: 'say "finish_reason":"fake"' }, finish_reason: null }]), '"finish_reason":', out);
    expect(out).toEqual([]);
    scanStringValues(
      chunk([
        { index: 0, delta: {}, finish_reason: "stop" },
        { index: 1, delta: {}, finish_reason: "length" },
      ]),
      '"finish_reason":',
      out,
    );
    expect(out).toEqual(["stop", "length"]);
    scanStringValues('{"finish_reason": "a\\"b"}', '"finish_reason":', out);
    expect(out).toEqual(["stop", "length", 'a"b']);
  });

  it("a chat stream's meter collects them from the chunks it only keeps as text", () => {
    const meter = openai.createStreamMeter(
      { endpoint: "chat.completions", metered: true, model: "m", stream: true, deployment: null },
      false,
    );
    meter.onEvent(undefined, chunk([{ index: 0, delta: { content: "Hi" }, finish_reason: null }]));
    meter.onEvent(undefined, chunk([{ index: 0, delta: {}, finish_reason: "tool_calls" }]));
    meter.onEvent(undefined, JSON.stringify({ id: "c", choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } }));
    meter.onEvent(undefined, "[DONE]");
    expect(meter.facts().finishReasons).toEqual(["tool_calls"]);
  });

  it("a Gemini stream cut before its final chunk has none", () => {
    const meter = gemini.createStreamMeter(
      { endpoint: "streamGenerateContent", metered: true, model: "g", stream: true, deployment: null },
      false,
    );
    meter.onEvent(
      undefined,
      JSON.stringify({ candidates: [{ content: { parts: [{ text: "Hi" }] } }], usageMetadata: { promptTokenCount: 1 } }),
    );
    expect(meter.facts().finishReasons).toBeUndefined();
    meter.onEvent(
      undefined,
      JSON.stringify({
        candidates: [{ content: { parts: [{ text: "!" }] }, finishReason: "MAX_TOKENS" }],
        usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2 },
      }),
    );
    expect(meter.facts().finishReasons).toEqual(["MAX_TOKENS"]);
  });
});

import { describe, expect, it } from "vitest";
import { assembleChat } from "../../../server/src/recording/assemble-openai.ts";
import { assembleChatText } from "../../../server/src/recording/assemble-chat-text.ts";

const parsedAll = (datas: string[]) =>
  datas.flatMap((d) => {
    try {
      return [JSON.parse(d) as unknown];
    } catch {
      return [];
    }
  });
const head =
  '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{"index":0,"delta":';
const tail = (finish: string | null = null) =>
  `,"logprobs":null,"finish_reason":${finish === null ? "null" : `"${finish}"`}}],"usage":null}`;
const content = (text: string) => head + `{"content":${JSON.stringify(text)}}` + tail();

// The text fold reads most content chunks by matching them against a parsed one; it must give exactly what
// parsing every chunk gives, whatever the text holds.
describe("chat stream assembly from event texts", () => {
  it("equals assembleChat over the parsed events: escapes, quotes, newlines, unicode, tool calls, usage", () => {
    const datas = [
      head + '{"role":"assistant","content":"","refusal":null}' + tail(),
      content("Hello"),
      content(' "quoted" \\ back\nslash'),
      content("naïve ☃ 🌈 \u2028"),
      content(""),
      head + '{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":""}}]}' + tail(),
      head + '{"tool_calls":[{"index":0,"function":{"arguments":"{\\"a\\":1}"}}]}' + tail(),
      content(" after tools"),
      head + "{}" + tail("stop"),
      '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}',
      "[DONE]",
    ];
    const out = assembleChatText(datas);
    expect(out).toEqual(assembleChat(parsedAll(datas)));
    expect((out.choices as Array<{ message: { content: string } }>)[0]!.message.content).toBe(
      'Hello "quoted" \\ back\nslashnaïve ☃ 🌈 \u2028 after tools',
    );
  });

  it("a text that only looks like a content chunk (other members where the content was) is parsed whole", () => {
    const datas = [
      content("a"),
      head + '{"content":"b","refusal":"no"}' + tail(),
      head + '{"content":"c"},"x":{"content":"d"}' + tail(),
      content("e\\"),
    ];
    expect(assembleChatText(datas)).toEqual(assembleChat(parsedAll(datas)));
  });

  it("several choices and a changing head", () => {
    const two = (i: number, text: string, model = "gpt-4o-mini") =>
      `{"id":"c","model":"${model}","choices":[{"index":${i},"delta":{"content":${JSON.stringify(text)}},"finish_reason":null}]}`;
    const datas = [two(0, "a"), two(1, "b"), two(0, "c"), two(1, "d", "other"), two(1, "e"), two(0, "f")];
    expect(assembleChatText(datas)).toEqual(assembleChat(parsedAll(datas)));
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leadingString, trailingMembers } from "../../../server/src/providers/json.ts";
import { openai } from "../../../server/src/providers/openai.ts";
import type { RequestInfo } from "../../../server/src/providers/types.ts";

const chat: RequestInfo = { endpoint: "chat.completions", metered: true, model: "gpt-4o-mini", stream: false, deployment: null };
const embeddings: RequestInfo = { ...chat, endpoint: "embeddings" };
const usage = { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, prompt_tokens_details: { cached_tokens: 64 }, completion_tokens_details: { reasoning_tokens: 12 } };
const message = (content: string) => ({ index: 0, message: { role: "assistant", content, refusal: null }, finish_reason: "stop" });

/** Bodies as providers send them, and shapes the fast read must decline or get right. */
const BODIES: Array<[string, RequestInfo, unknown]> = [
  ["OpenAI chat", chat, { id: "c1", object: "chat.completion", created: 1, model: "gpt-4o-mini-2024-07-18", choices: [message("Hi")], usage, service_tier: "default", system_fingerprint: "fp" }],
  ["content that spells usage and model", chat, { id: "c2", model: "gpt-4o", choices: [message('{"usage":{"prompt_tokens":1},"model":"evil","error":1}')], usage }],
  ["service tier before usage", chat, { id: "c3", model: "gpt-4o", service_tier: "flex", choices: [message("x")], usage }],
  ["model after the choices", chat, { id: "c4", choices: [message("x")], model: "gpt-4o", usage }],
  ["model after usage", chat, { id: "c5", choices: [message("x")], usage, model: "gpt-4o" }],
  ["no model at all", chat, { choices: [message("x")], usage }],
  ["usage before the choices", chat, { model: "gpt-4o", usage, choices: [message("x")] }],
  ["nested usage only (Groq's x_groq)", chat, { model: "llama", choices: [message("x")], x_groq: { id: "g", usage } }],
  ["nested usage after the top-level one", chat, { model: "m", usage, choices: [{ ...message("x"), usage: { prompt_tokens: 1 } }] }],
  ["DeepSeek cache fields", chat, { model: "deepseek-chat", choices: [message("x")], usage: { prompt_tokens: 10, completion_tokens: 2, prompt_cache_hit_tokens: 6, prompt_cache_miss_tokens: 4 } }],
  ["OpenRouter's own cost", chat, { model: "openai/gpt-4o", choices: [message("x")], usage: { prompt_tokens: 10, completion_tokens: 2, cost: 0.00042 } }],
  ["Mistral's tier inside usage", chat, { id: "m", object: "chat.completion", model: "mistral-small", choices: [message("x")], usage: { prompt_tokens: 3, completion_tokens: 4, service_tier: "priority" } }],
  ["an error with status 200", chat, { error: { message: "overloaded", type: "server_error", code: "overloaded" }, usage }],
  ["Mistral's flat error", chat, { object: "error", message: "bad", type: "invalid_request_error", usage }],
  ["usage null", chat, { model: "m", choices: [message("x")], usage: null }],
  ["embeddings", embeddings, { object: "list", data: [{ object: "embedding", index: 0, embedding: [0.1, -0.2] }], model: "text-embedding-3-small", usage: { prompt_tokens: 8, total_tokens: 8 } }],
  ["unicode model and escapes", chat, { id: "c6", model: "mod\u00e8le-\"q\"", choices: [message("\u{1F600} \\ done")], usage }],
];

describe("reading an OpenAI-style body's facts without parsing its content", () => {
  for (const [name, info, body] of BODIES) {
    for (const spacing of [undefined, 2]) {
      it(`${name}${spacing ? ", pretty-printed" : ""}: declines, or agrees with the full parse`, () => {
        const text = JSON.stringify(body, null, spacing);
        const fast = openai.factsFromText?.(info, text);
        if (fast !== undefined) expect(fast).toEqual(openai.factsFromJson(info, JSON.parse(text)));
      });
    }
  }

  it("takes the fast read for the usual bodies (so the agreement above is tested at all)", () => {
    const read = (i: number) => openai.factsFromText?.(BODIES[i]![1], JSON.stringify(BODIES[i]![2]));
    expect(read(0)).toMatchObject({ responseModel: "gpt-4o-mini-2024-07-18", serviceTier: "default", usage: { inputTokens: 120, cachedInputTokens: 64, outputTokens: 30, reasoningTokens: 12 } });
    expect(read(1)).toMatchObject({ responseModel: "gpt-4o", usage: { inputTokens: 120 } });
    expect(read(4)).toMatchObject({ responseModel: "gpt-4o" });
    expect(read(10)).toMatchObject({ reportedCostUsd: "0.00042" });
    expect(read(11)).toMatchObject({ serviceTier: "priority" });
    // …and declines what it cannot place
    for (const i of [2, 3, 7, 8, 12, 13, 14, 15]) expect(read(i), BODIES[i]![0]).toBeUndefined();
  });

  it("agrees with the full parse on arbitrary JSON objects that carry usage somewhere", () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    const member = fc.tuple(fc.constantFrom("model", "usage", "choices", "service_tier", "error", "object", "x", "id"), value);
    fc.assert(
      fc.property(fc.array(member, { maxLength: 6 }), fc.constantFrom(undefined, 1), (members, spacing) => {
        const body: Record<string, unknown> = Object.fromEntries(members);
        if (Math.random() < 0.7) body.usage = { prompt_tokens: 5, completion_tokens: 1 };
        const text = JSON.stringify(body, null, spacing);
        const fast = openai.factsFromText?.(chat, text);
        if (fast !== undefined) expect(fast).toEqual(openai.factsFromJson(chat, JSON.parse(text)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("trailingMembers and leadingString", () => {
  it("only ever return top-level members", () => {
    expect(trailingMembers('{"a":{"usage":{"x":1}}}', '"usage":')).toBeUndefined();
    expect(trailingMembers('{"a":1,"usage":{"x":1},"b":[1]}', '"usage":')).toEqual({ usage: { x: 1 }, b: [1] });
    expect(trailingMembers('{"k\\"usage":{"x":1}}', '"usage":')).toBeUndefined();
    expect(trailingMembers("not json", '"usage":')).toBeUndefined();
    expect(leadingString('{"a":"{\\"model\\":\\"no\\"}","model":"yes"}', "model")).toBe("yes");
    expect(leadingString('{"a":[{"model":"no"}],"model":"yes"}', "model")).toBeUndefined();
    expect(leadingString('{"model":3}', "model")).toBeUndefined();
  });
});

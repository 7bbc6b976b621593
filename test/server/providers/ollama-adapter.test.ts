import { describe, expect, it } from "vitest";
import { adapterFor } from "../../../server/src/providers/index.ts";
import { ollama } from "../../../server/src/providers/ollama/adapter.ts";
import { openai } from "../../../server/src/providers/openai/adapter.ts";
import { PASS, TOKEN, type RequestInfo } from "../../../server/src/providers/types.ts";

const info = (path: string, json?: Record<string, unknown>): RequestInfo => ollama.inspect({ method: "POST", path, query: "", json });

describe("Ollama's native adapter", () => {
  it("claims /api/chat, /api/generate and /api/embed under the OpenAI format only", () => {
    for (const path of ["/api/chat", "/api/generate", "/api/embed"]) expect(adapterFor("openai", path)).toBe(ollama);
    for (const path of ["/v1/chat/completions", "/api/tags", "/api/chat/completions", "/api/embeddings"])
      expect(adapterFor("openai", path)).toBe(openai);
    expect(adapterFor("azure", "/api/chat").format).toBe("azure");
    expect(adapterFor("openai")).toBe(openai);
  });

  it("streams chat and generate unless stream is false; embed never", () => {
    expect(info("/api/chat", { model: "llama3.2", messages: [] })).toMatchObject({
      endpoint: "chat",
      metered: true,
      model: "llama3.2",
      stream: true,
    });
    expect(info("/api/generate", { model: "llama3.2", prompt: "hi", stream: false })).toMatchObject({
      endpoint: "generate",
      stream: false,
    });
    expect(info("/api/embed", { model: "all-minilm", input: "hi" })).toMatchObject({ endpoint: "embed", stream: false });
  });

  it("reads counts from a final object, cached tokens where a newer server sends them, errors as strings", () => {
    const done = {
      model: "llama3.2",
      done: true,
      done_reason: "stop",
      prompt_eval_count: 40,
      prompt_eval_cached_count: 32,
      eval_count: 5,
      eval_duration: 1,
    };
    expect(ollama.factsFromJson(info("/api/chat"), done)).toMatchObject({
      responseModel: "llama3.2",
      usage: { inputTokens: 40, cachedInputTokens: 32, outputTokens: 5 },
    });
    // a load request answers done without counts: reported, zero
    expect(ollama.factsFromJson(info("/api/generate"), { model: "llama3.2", done: true, done_reason: "load" }).usage).toMatchObject({
      inputTokens: 0,
      outputTokens: 0,
    });
    expect(
      ollama.factsFromJson(info("/api/embed"), { model: "all-minilm", embeddings: [[0.1]], prompt_eval_count: 8 }).usage,
    ).toMatchObject({ inputTokens: 8, outputTokens: 0 });
    // an older server's embed answer has no counts: left for the estimate
    expect(ollama.factsFromJson(info("/api/embed"), { model: "all-minilm", embeddings: [[0.1]] }).usage).toBeUndefined();
    expect(ollama.factsFromJson(info("/api/chat"), { error: 'model "x" not found, try pulling it first' })).toEqual({
      errorType: "error",
      errorMessage: 'model "x" not found, try pulling it first',
    });
    expect(JSON.parse(ollama.errorBody("budget_blocked", "over budget", 429))).toEqual({ error: "over budget" });
  });

  it("meters a stream: first token at the first line with content (thinking counts), usage from the done line, text for estimates", () => {
    const m = ollama.createStreamMeter(info("/api/generate"), false);
    const lines = [
      { model: "qwen3:8b", response: "", done: false },
      { model: "qwen3:8b", response: "", thinking: "Hmm", done: false },
      { model: "qwen3:8b", response: "Blue", done: false },
      { model: "qwen3:8b", response: "", done: true, prompt_eval_count: 11, eval_count: 18 },
    ];
    expect(lines.map((l) => m.onEvent(undefined, JSON.stringify(l)))).toEqual([PASS, TOKEN, PASS, PASS]);
    expect(m.facts()).toMatchObject({ responseModel: "qwen3:8b", usage: { inputTokens: 11, outputTokens: 18 } });
    expect(m.outputText()).toBe("HmmBlue");
  });

  it("a chat stream cut before done: no usage, the text and the model for the estimate; tool calls count as text", () => {
    const m = ollama.createStreamMeter(info("/api/chat"), false);
    m.onEvent(
      undefined,
      JSON.stringify({
        model: "llama3.2",
        message: { role: "assistant", content: "", tool_calls: [{ function: { name: "f", arguments: { a: 1 } } }] },
        done: false,
      }),
    );
    m.onEvent(undefined, JSON.stringify({ model: "llama3.2", message: { role: "assistant", content: "ok" }, done: false }));
    expect(m.facts().usage).toBeUndefined();
    expect(m.facts().responseModel).toBe("llama3.2");
    expect(m.outputText()).toBe('[{"function":{"name":"f","arguments":{"a":1}}}]ok');
    expect(ollama.inputText!({ model: "llama3.2", system: "Be brief.", prompt: "Hi" }, info("/api/generate"))).toEqual({
      text: "Be brief.\nHi",
      messages: 0,
    });
  });
});

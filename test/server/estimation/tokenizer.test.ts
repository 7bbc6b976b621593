import { describe, expect, it } from "vitest";
import {
  countTokens,
  encodingForModel,
  MAX_ENCODED_CHARS,
  messageOverhead,
  MAX_RUN_CHARS,
} from "../../../server/src/estimation/tokenizer.ts";

describe("encodingForModel", () => {
  it("uses o200k_base for gpt-4o, gpt-4.1, gpt-5 and the o-series", () => {
    for (const m of [
      "gpt-4o",
      "gpt-4o-mini-2024-07-18",
      "gpt-4.1-nano",
      "gpt-5",
      "gpt-5.4-mini",
      "o1",
      "o3-mini",
      "o4-mini",
      "openai/gpt-4o",
    ]) {
      expect(encodingForModel(m), m).toBe("o200k_base");
    }
  });
  it("uses cl100k_base for gpt-4, gpt-3.5 and the embedding models", () => {
    for (const m of [
      "gpt-4",
      "gpt-4-0613",
      "gpt-4-turbo",
      "gpt-3.5-turbo",
      "gpt-35-turbo",
      "text-embedding-3-small",
      "text-embedding-ada-002",
    ]) {
      expect(encodingForModel(m), m).toBe("cl100k_base");
    }
  });
  it("approximates every other model (and no model) with o200k_base", () => {
    for (const m of ["claude-sonnet-4-5", "gemini-2.5-flash", "mistral-large-latest", "llama-3.3-70b", "", null])
      expect(encodingForModel(m)).toBe("o200k_base");
  });
});

describe("countTokens", () => {
  it("counts as tiktoken does for ordinary text", () => {
    expect(countTokens("")).toBe(0);
    expect(countTokens("hello world", "o200k_base")).toBe(2);
    expect(countTokens("hello world", "cl100k_base")).toBe(2);
    // "tiktoken is great!" is 6 tokens in cl100k_base (OpenAI's cookbook example)
    expect(countTokens("tiktoken is great!", "cl100k_base")).toBe(6);
  });

  it("counts special-token text as ordinary text instead of throwing", () => {
    expect(countTokens("<|endoftext|>")).toBeGreaterThan(1);
  });

  it("finishes a 100k-character run without whitespace (pieces of at most 256 characters)", () => {
    const run = "a".repeat(100_000);
    const n = countTokens(run);
    // each 256-char piece of "a" encodes to a few dozen tokens; the whole run is counted, not dropped
    const pieces = Math.ceil(run.length / MAX_RUN_CHARS);
    expect(n).toBeGreaterThanOrEqual(pieces);
    expect(n).toBeLessThan(run.length);
    expect(n).toBe(
      countTokens("a".repeat(MAX_RUN_CHARS)) * Math.floor(100_000 / MAX_RUN_CHARS) + countTokens("a".repeat(100_000 % MAX_RUN_CHARS)),
    );
  });

  it("counts text around long runs as usual", () => {
    const run = "x".repeat(600);
    const expected = countTokens("hello ") + countTokens("x".repeat(256)) * 2 + countTokens("x".repeat(88)) + countTokens(" world");
    expect(countTokens(`hello ${run} world`)).toBe(expected);
  });

  it("extrapolates text beyond MAX_ENCODED_CHARS from the encoded part", () => {
    const unit = "the quick brown fox jumps over the lazy dog. ";
    const text = unit.repeat(Math.ceil((MAX_ENCODED_CHARS * 1.5) / unit.length));
    const head = countTokens(text.slice(0, MAX_ENCODED_CHARS));
    expect(countTokens(text)).toBe(Math.ceil((head * text.length) / MAX_ENCODED_CHARS));
  });
});

describe("messageOverhead", () => {
  it("is OpenAI's 3 tokens per message plus 3 for the reply priming", () => {
    expect(messageOverhead(2)).toBe(2 * 3 + 3);
  });
  it("is zero without messages (embeddings)", () => {
    expect(messageOverhead(0)).toBe(0);
  });
});

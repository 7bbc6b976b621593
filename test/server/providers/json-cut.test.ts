import { describe, expect, it } from "vitest";
import { azure } from "../../../server/src/providers/azure/adapter.ts";
import { readTopLevel } from "../../../server/src/providers/json-cut.ts";
import { mistral } from "../../../server/src/providers/mistral/adapter.ts";
import { openai } from "../../../server/src/providers/openai/adapter.ts";
import type { ProviderAdapter, RequestInfo } from "../../../server/src/providers/types.ts";

const embeddings = openai.inspect({ method: "POST", path: "/v1/embeddings", query: "", json: { model: "text-embedding-3-small" } });
const chat = openai.inspect({ method: "POST", path: "/v1/chat/completions", query: "", json: { model: "gpt-4o-mini" } });
const ZERO = { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0 };
const USAGE = { prompt_tokens: 37, total_tokens: 37 };
const FACTS = { usage: { ...ZERO, inputTokens: 37 }, responseModel: "text-embedding-3-small", serviceTier: undefined };

const floats = (i: number, dims = 8) => Array.from({ length: dims }, (_, d) => Math.sin(i * 31 + d) / 10);
const base64 = (i: number, dims = 8) => Buffer.from(Float32Array.from(floats(i, dims)).buffer).toString("base64");
const data = (count: number, vector: (i: number) => unknown = floats) =>
  Array.from({ length: count }, (_, index) => ({ object: "embedding", index, embedding: vector(index) }));
/** The official shape (openai SDK's CreateEmbeddingResponse), members in the API's order. */
const answer = (extra: Record<string, unknown> = {}, vector?: (i: number) => unknown) => ({
  object: "list",
  data: data(3, vector),
  model: "text-embedding-3-small",
  usage: USAGE,
  ...extra,
});

const cut = (text: string, i: RequestInfo = embeddings, adapter: ProviderAdapter = openai) => adapter.factsFromBody!(i, Buffer.from(text));
/** What the full parse reads from the same text: the cutter must agree with it whenever it answers. */
const parsed = (text: string, i: RequestInfo = embeddings) => openai.factsFromJson(i, JSON.parse(text));

describe("OpenAI embeddings: usage and model without parsing the vectors", () => {
  it("reads the official shape, float and base64, compact and pretty-printed, as the full parse does", () => {
    for (const vector of [floats, base64]) {
      for (const indent of [undefined, 2, "\t"]) {
        const text = JSON.stringify(answer({}, vector), null, indent);
        expect(cut(text)).toEqual(FACTS);
        expect(cut(text)).toEqual(parsed(text));
      }
    }
    const crlf = JSON.stringify(answer(), null, 1).replaceAll("\n", "\r\n") + "\r\n";
    expect(cut(crlf)).toEqual(FACTS);
  });

  it("does not depend on the members' order", () => {
    const { object, data: vectors, model, usage } = answer();
    for (const body of [
      { usage, model, object, data: vectors },
      { model, data: vectors, usage, object },
      { data: vectors, usage, model },
      { usage, data: vectors, object, model },
    ]) {
      expect(cut(JSON.stringify(body))).toEqual(FACTS);
    }
    // two arrays, the usage between them: nothing hides it, it is read from neither end, so the body is parsed whole
    expect(cut(JSON.stringify({ data: vectors, usage, model, more: [1] }))).toBeUndefined();
  });

  it("reads the top-level usage only: strings and nested objects that mention usage do not count", () => {
    const fake = '"usage": {"prompt_tokens": 999999}';
    const texts = [
      JSON.stringify(answer({ note: fake })),
      JSON.stringify({ note: fake, ...answer() }),
      JSON.stringify(answer({ meta: { usage: { prompt_tokens: 999999 }, model: "not-this" } })),
      JSON.stringify({ meta: { usage: { prompt_tokens: 999999 } }, ...answer() }),
      JSON.stringify(answer({ model: 'a\\"b\\', id: "\\" })),
    ];
    for (const text of texts) expect(cut(text)).toEqual(parsed(text));
    expect(cut(texts[0]!)).toEqual(FACTS);
    expect(cut(texts[2]!)).toEqual(FACTS);
    // strings that end in an escaped backslash end there, read from either end
    const backslashes = JSON.stringify({ model: "m\\", usage: USAGE, data: data(2), note: "\\", id: "x" });
    expect(cut(backslashes)).toEqual({ ...FACTS, responseModel: "m\\" });
    // a key spelled with an escape is still the key, as JSON.parse reads it
    expect(cut('{"data": [], "\\u0075sage": {"prompt_tokens": 5}}')).toEqual({
      usage: { ...ZERO, inputTokens: 5 },
      responseModel: undefined,
      serviceTier: undefined,
    });
    // duplicate keys: the last one wins, as in JSON.parse
    const dup = '{"usage": {"prompt_tokens": 1}, "data": [[0.1]], "model": "m", "usage": {"prompt_tokens": 2}}';
    expect(cut(dup)).toEqual(parsed(dup));
    expect(cut(dup)?.usage?.inputTokens).toBe(2);
  });

  it("parses the body whole when the unread bytes could hold a top-level key", () => {
    // a data item that names usage (a compatible server's extension) or a key spelled with \u escapes
    expect(cut(JSON.stringify(answer({}, (i) => ({ usage: { prompt_tokens: i } }))))).toBeUndefined();
    expect(cut(JSON.stringify({ data: [{ embedding: [0.1], text: "\u00e9" }], usage: USAGE }).replace("é", "\\u00e9"))).toBeUndefined();
    expect(cut('{"data": [[0.1], {"a": 1}, "x"], "\\u0075sage": {"prompt_tokens": 5}}')).toEqual({
      usage: { ...ZERO, inputTokens: 5 },
      responseModel: undefined,
      serviceTier: undefined,
    });
    expect(cut('{"data": [[0.1], "\\u0075sage"], "usage": {"prompt_tokens": 5}}')).toBeUndefined();
    expect(cut(JSON.stringify({ object: "list", data: [{ object: "error" }], usage: USAGE }))).toBeUndefined();
  });

  it("falls back on truncated or malformed bodies", () => {
    const text = JSON.stringify(answer());
    for (let end = 1; end < text.length; end += 7) expect(cut(text.slice(0, end))).toBeUndefined();
    expect(cut(text.slice(0, -1))).toBeUndefined();
    // cut just after a vector's item: it ends in "}" like a whole body, but its brackets do not balance
    expect(cut(text.slice(0, text.indexOf("]}") + 2))).toBeUndefined();
    expect(cut(text.slice(0, text.indexOf("]}") + 2) + "]}")).toEqual(parsed(text.slice(0, text.indexOf("]}") + 2) + "]}"));
    expect(cut(text.slice(1))).toBeUndefined();
    expect(cut(text + "x")).toBeUndefined();
    expect(cut(text.replace('"usage":', '"usage"'))).toBeUndefined();
    expect(cut(text.replace('"model":"text-embedding-3-small"', '"model":"text-embedding-3-small'))).toBeUndefined();
    expect(cut("")).toBeUndefined();
    expect(cut("[]")).toBeUndefined();
  });

  it("reads errors and answers without usage as the full parse does; other endpoints are parsed whole", () => {
    // errors in a 200 answer (small) are parsed whole
    expect(cut(JSON.stringify({ error: { message: "bad", type: "invalid_request_error", code: "x" } }))).toBeUndefined();
    expect(cut(JSON.stringify({ object: "error", message: "bad", type: "invalid_request_error", code: "422" }))).toBeUndefined();
    expect(cut(JSON.stringify({ data: [], error: { message: "bad" } }))).toBeUndefined();
    expect(cut(JSON.stringify({ object: "list", data: data(2), model: "m" }))).toEqual({ responseModel: "m", serviceTier: undefined });
    expect(cut(JSON.stringify(answer()), chat)).toBeUndefined();
  });

  it("agrees with the full parse on many generated answers, or declines", () => {
    let read = 0;
    for (let seed = 0; seed < 300; seed++) {
      const r = (k: number) => (seed * 7919 + k * 104729) % 97;
      const members: Array<[string, unknown]> = [
        ["object", "list"],
        ["data", data(1 + (r(1) % 4), r(2) % 2 ? floats : base64)],
        ["model", ["text-embedding-3-large", 'q"uo\\te', ""][r(3) % 3]],
        [
          "usage",
          { prompt_tokens: r(4), total_tokens: r(4), ...(r(5) % 3 === 0 ? { prompt_tokens_details: { cached_tokens: r(6) % 5 } } : {}) },
        ],
        ["service_tier", r(7) % 4 === 0 ? "default" : undefined],
        ["extra", r(8) % 3 === 0 ? [r(9)] : r(8) % 3 === 1 ? { usage: { prompt_tokens: 1e6 } } : '"usage":{}'],
      ];
      for (let i = members.length - 1; i > 0; i--) {
        const j = r(10 + i) % (i + 1);
        [members[i], members[j]] = [members[j]!, members[i]!];
      }
      const text = JSON.stringify(Object.fromEntries(members), null, r(20) % 3 === 0 ? 2 : undefined);
      const facts = cut(text);
      if (facts === undefined) continue;
      read++;
      expect(facts).toEqual(parsed(text));
    }
    expect(read).toBeGreaterThan(200);
  });

  it("is shared by Azure and Mistral, which speak the same format", () => {
    const text = JSON.stringify(answer());
    const deployment = azure.inspect({
      method: "POST",
      path: "/openai/deployments/emb/embeddings",
      query: "api-version=2024-10-21",
      json: { input: "x" },
    });
    expect(cut(text, deployment, azure)).toEqual(FACTS);
    expect(cut(text, mistral.inspect({ method: "POST", path: "/v1/embeddings", query: "", json: {} }), mistral)).toEqual(FACTS);
  });
});

describe("readTopLevel", () => {
  const read = (text: string, wanted = ["usage", "model"]) => readTopLevel(Buffer.from(text), wanted);

  it("returns the wanted members it found, parsed; large arrays and objects stay unread", () => {
    expect(read('{"a": [1, 2], "model": "m", "usage": {"n": 1, "s": "}{\\"}"}}')).toEqual({ model: "m", usage: { n: 1, s: '}{"}' } });
    expect(read('{"usage": null, "a": [], "model": 1.5e3}')).toEqual({ usage: null, model: 1500 });
    expect(read('{"model": true}')).toEqual({ model: true });
    expect(read("{}")).toEqual({});
    expect(read(" { } \n")).toEqual({});
    // an object too large to scan is left unread like an array (here, from both ends: nothing is missed)
    const big = { values: Array.from({ length: 20_000 }, (_, i) => i) };
    expect(read(JSON.stringify({ model: "m", embedding: big, usage: { n: 2 } }))).toEqual({ model: "m", usage: { n: 2 } });
    expect(read(JSON.stringify({ embedding: big, usage: { n: 2 } }))).toEqual({ usage: { n: 2 } });
  });

  it("declines what is not one clean JSON object", () => {
    for (const text of [
      '{"model": "m",}',
      '{"model" "m"}',
      '{model: "m"}',
      '{"model": "m"} {}',
      '{"model": "m"',
      '"model"',
      '{"a": [1], "model": "m" "usage": 1}',
      '{"a": [1], "model": "m", }',
    ]) {
      expect(read(text)).toBeUndefined();
    }
  });
});

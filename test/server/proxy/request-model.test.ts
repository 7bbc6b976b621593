import { describe, expect, it } from "vitest";
import { plainRequest } from "../../../server/src/providers/json.ts";
import { CallState } from "../../../server/src/proxy/call-state.ts";
import { adapterFor } from "../../../server/src/providers/index.ts";
import type { ProviderConfig } from "../../../server/src/config.ts";

const messages = [{ role: "user", content: 'Say "model": and "stream" in a sentence, {please}.' }];

describe("reading a request's model without parsing the body", () => {
  it("reads a leading model, and the JSON parse agrees", () => {
    for (const body of [{ model: "gpt-4o-mini", messages, temperature: 0.2 }, { model: "modèle \"é\"", messages }]) {
      const text = JSON.stringify(body, null, 1);
      expect(plainRequest(text)).toEqual({ model: body.model, stream: false });
      expect(plainRequest(JSON.stringify(body))).toEqual({ model: body.model, stream: false });
    }
  });

  it("reads a top-level stream flag, wherever it is", () => {
    expect(plainRequest(JSON.stringify({ model: "m", messages, stream: true }))).toEqual({ model: "m", stream: true });
    expect(plainRequest(JSON.stringify({ model: "m", stream: true, messages, max_tokens: 5 }, null, 2))).toEqual({ model: "m", stream: true });
    expect(plainRequest(JSON.stringify({ model: "m", stream: false, messages }))).toEqual({ model: "m", stream: false });
  });

  it("declines whatever the parse must decide", () => {
    expect(plainRequest(JSON.stringify({ messages, model: "m" }))).toBeUndefined(); // model after a nested value
    expect(plainRequest(JSON.stringify({ model: "m", messages, stream: true, stream_options: { include_usage: true } }))).toBeUndefined();
    expect(plainRequest(JSON.stringify({ model: "m", stream: "yes", messages }))).toBeUndefined();
    // a nested stream last: not the top-level one
    expect(plainRequest(JSON.stringify({ model: "m", stream: true, tools: [{ parameters: { properties: { stream: {} } } }] }))).toBeUndefined();
    expect(plainRequest('{"model":"a","messages":[],"model":"b"}')).toBeUndefined(); // the last duplicate counts
    expect(plainRequest(JSON.stringify({ model: "m", tools: [{ parameters: { properties: { model: {} } } }] }))).toBeUndefined();
    expect(plainRequest(JSON.stringify({ model: 4, messages }))).toBeUndefined();
    expect(plainRequest("[1]")).toBeUndefined();
  });
});

describe("a call's deferred request JSON", () => {
  const provider = { name: "openai", format: "openai", priceProvider: "openai", baseUrl: "http://127.0.0.1:1" } as ProviderConfig;
  const call = () => new CallState("id", 0, 0, provider, adapterFor("openai"), { app: null, user: null, properties: null });

  it("is parsed on first use, once", () => {
    const c = call();
    const text = JSON.stringify({ model: "m", messages });
    c.deferJson(text);
    const first = c.json;
    expect(first).toEqual({ model: "m", messages });
    expect(c.json).toBe(first);
  });

  it("reads as undefined when the deferred text is not a JSON object, and a set value wins", () => {
    const c = call();
    c.deferJson('{"model":"m", oops');
    expect(c.json).toBeUndefined();
    c.json = { model: "x" };
    expect(c.json).toEqual({ model: "x" });
  });
});

import OpenAI from "openai";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openai } from "../../../server/src/providers/openai/adapter.ts";
import { callById } from "../../support/calls.ts";
import { embeddingsAnswer, fakeEmbeddingValue, startFakeOpenAi } from "../../support/fake-openai.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";

let client: OpenAI;

const tg = useProxyFixture({ fake: startFakeOpenAi, routes: ["OPENAI"] });

beforeAll(async () => {
  client = new OpenAI({ apiKey: "sk-test-secret-1234567890", baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const inputs = (count: number) => Array.from({ length: count }, (_, i) => `text number ${i}`);

/** Spies on the cutter, so a test knows the recorded usage came from it rather than from a full parse. */
function spyCutter() {
  return vi.spyOn(openai, "factsFromBody");
}

describe("large embeddings answers through the proxy (usage read without parsing the vectors)", () => {
  it("SDK default (base64): the client decodes every vector; the call is recorded with its tokens and cost", async () => {
    const cutter = spyCutter();
    const { data, response } = await client.embeddings
      .create({ model: "text-embedding-3-small", input: inputs(200), dimensions: 1536 })
      .withResponse();
    expect(data.data).toHaveLength(200);
    for (const index of [0, 117, 199]) {
      const vector = data.data[index]!.embedding;
      expect(vector).toHaveLength(1536);
      expect([vector[0], vector[1535]]).toEqual([fakeEmbeddingValue(index, 0), fakeEmbeddingValue(index, 1535)]);
    }
    const call = await callById(tg, response.headers.get("x-tollgate-call-id"));
    // 200 inputs × 8 tokens = 1,600 tokens × $0.02 per 1M
    expect(call).toMatchObject({
      endpoint: "embeddings",
      status: 200,
      outcome: "ok",
      responseModel: "text-embedding-3-small",
      inputTokens: 1600,
      outputTokens: 0,
      usageSource: "reported",
      costUsd: "0.000032",
    });
    expect(cutter).toHaveReturnedWith(expect.objectContaining({ usage: expect.objectContaining({ inputTokens: 1600 }) }));
  });

  it("floats: the client gets the answer byte for byte, and the call is recorded from the cut usage", async () => {
    const cutter = spyCutter();
    const request = { model: "text-embedding-3-small", input: inputs(120), dimensions: 1536, encoding_format: "float" as const };
    const res = await client.embeddings.create(request).asResponse();
    const body = Buffer.from(await res.arrayBuffer());
    const sent = Buffer.from(embeddingsAnswer(JSON.parse(tg.fake.seen.at(-1)!.body) as Record<string, unknown>));
    expect(sent.length).toBeGreaterThan(2_000_000);
    expect(body.equals(sent)).toBe(true);
    const call = await callById(tg, res.headers.get("x-tollgate-call-id"));
    expect(call).toMatchObject({
      endpoint: "embeddings",
      outcome: "ok",
      inputTokens: 960,
      costUsd: "0.0000192",
      responseBytes: sent.length,
    });
    expect(cutter).toHaveReturnedWith(expect.objectContaining({ usage: expect.objectContaining({ inputTokens: 960 }) }));
  });
});

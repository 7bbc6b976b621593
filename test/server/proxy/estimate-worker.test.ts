import OpenAI from "openai";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { gate, GATED_ESTIMATOR_WORKER, whenHeld } from "../../support/estimator-gate.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { parsePromText } from "../../support/prom-text.ts";
import { startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";
import { onlyCall } from "../../support/calls.ts";

// Token estimates are counted in a worker thread. These tests hold the worker's answers back (a gated test
// worker) to show, without timing, what happens while an estimate is in progress.
let fake: FakeOpenAi;
let tg: TestTollgate | undefined;
beforeAll(async () => {
  fake = await startFakeOpenAi();
});
afterEach(async () => {
  await tg?.close();
  tg = undefined;
});
afterAll(async () => {
  await fake?.close();
});

async function start(): Promise<{ tg: TestTollgate; client: OpenAI }> {
  tg = await startTestTollgate({ TOLLGATE_UPSTREAM_OPENAI: fake.url }, { estimatorWorker: GATED_ESTIMATOR_WORKER });
  return { tg, client: new OpenAI({ apiKey: "sk-test", baseURL: `${tg.url}/openai/v1`, maxRetries: 0 }) };
}

/** A streamed call whose provider sends no usage: its record needs an estimate. */
async function callWithoutUsage(client: OpenAI, content: string): Promise<void> {
  const stream = await client.chat.completions.create({
    model: "gpt-4o-mini-nousage",
    messages: [{ role: "user", content }],
    stream: true,
  });
  for await (const _ of stream) void _;
}

describe("estimates in the worker thread", () => {
  it("a call waiting for its estimate holds up neither other calls nor their records", async () => {
    const { tg, client } = await start();
    const held = whenHeld(1);
    await callWithoutUsage(client, "lorem ipsum ".repeat(25_000)); // more than one estimate encodes (MAX_ENCODED_CHARS)
    await held;
    // The estimate is in progress: other calls are proxied and recorded meanwhile.
    for (let i = 0; i < 3; i++)
      await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `hi ${i}` }] });
    const others = await tg.calls();
    expect(others.filter((c) => c.model === "gpt-4o-mini")).toHaveLength(3);
    expect(others.filter((c) => c.model === "gpt-4o-mini-nousage")).toHaveLength(0);
    expect(tg.tollgate.estimator.waiting).toBe(1);

    gate("release");
    const estimated = await onlyCall(tg, (c) => c.model === "gpt-4o-mini-nousage");
    expect(estimated).toMatchObject({ outcome: "ok", usageSource: "estimated", priced: true });
    expect(estimated.inputTokens).toBeGreaterThan(25_000);
  });

  it("a worker crash loses no call: it is recorded without usage and counted as a metering failure", async () => {
    const { tg, client } = await start();
    const held = whenHeld(1);
    await callWithoutUsage(client, "Say hello");
    await held;
    gate("crash");
    const call = await onlyCall(tg, (c) => c.model === "gpt-4o-mini-nousage");
    expect(call).toMatchObject({ outcome: "ok", usageSource: "none", inputTokens: 0, costUsd: null });
    const metrics = parsePromText(await (await fetch(`${tg.url}/metrics`)).text());
    expect(metrics.value("tollgate_metering_failures_total", { stage: "tokenizer" })).toBe(1);
  });

  it("shutdown waits for the estimates in flight before the last flush", async () => {
    const { tg: server, client } = await start();
    const held = whenHeld(1);
    await callWithoutUsage(client, "Say hello");
    await held;
    const closing = server.tollgate.close();
    gate("release");
    await closing;
    const { rows } = await server.db.pool.query<{ usage_source: string }>(
      "SELECT usage_source FROM calls WHERE model = 'gpt-4o-mini-nousage'",
    );
    expect(rows).toEqual([{ usage_source: "estimated" }]);
  });
});

import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type BedrockRuntimeClientConfig,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AWS_CREDENTIALS,
  BEDROCK_API_KEY,
  CONVERSE_TEXT,
  CONVERSE_USAGE,
  INVOKE_COUNTS,
  REGION,
  releaseHeldStream,
  startFakeBedrock,
  type FakeBedrock,
} from "../../support/fake-bedrock.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { eventually } from "../../support/tollgate.ts";
import { createKey, recordedCalls, startReplica, type Replica } from "../access/harness.ts";

let db: TestDatabase;
let fake: FakeBedrock;
let tg: Replica;
let vk: string;
/** the response bodies the SDK received, whole, newest last */
const received: Buffer[] = [];

/** An HTTP/1.1 handler (the client's default is HTTP/2) that keeps each response body's bytes. */
class TappingHandler extends NodeHttpHandler {
  override async handle(...args: Parameters<NodeHttpHandler["handle"]>): ReturnType<NodeHttpHandler["handle"]> {
    const out = await super.handle(...args);
    const body = out.response.body as NodeJS.ReadableStream;
    const parts: Buffer[] = [];
    body.on("data", (c: Buffer) => parts.push(Buffer.from(c)));
    body.on("end", () => received.push(Buffer.concat(parts)));
    return out;
  }
}

function client(config: Partial<BedrockRuntimeClientConfig> = {}): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: REGION,
    endpoint: `${tg.url}/bedrock`,
    requestHandler: new TappingHandler(),
    maxAttempts: 1,
    ...config,
  });
}
/** the virtual key as the SigV4 access key id (any secret: Tollgate cannot and does not check it) */
const sigv4 = () => client({ credentials: { accessKeyId: vk, secretAccessKey: "not-checked-by-tollgate" } });
/** the virtual key as a bearer token, as the SDK sends Bedrock API keys */
const bearer = (token: string) => client({ token: { token }, authSchemePreference: ["httpBearerAuth"] });

async function onlyCall(pick: (c: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return eventually(async () => {
    const rows = (await recordedCalls(tg)).filter(pick);
    if (rows.length !== 1) throw new Error(`expected one matching call, found ${rows.length}`);
    return rows[0]!;
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await startFakeBedrock();
  tg = await startReplica(db, {
    TOLLGATE_UPSTREAM_BEDROCK: fake.url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: AWS_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: AWS_CREDENTIALS.secretAccessKey,
    TOLLGATE_LOG_BODIES: "all",
  });
  vk = (await createKey(tg, { app: "bedrock-app", provider: "bedrock" })).key;
});
afterAll(async () => {
  await tg?.close();
  await fake?.close();
  await db?.drop();
});

const messages = [{ role: "user" as const, content: [{ text: "Dis bonjour" }] }];
const SONNET = "us.anthropic.claude-3-5-sonnet-20240620-v1:0";
// claude-3-5-sonnet-20240620 on Bedrock per 1M: 3 input, 3.75 cache write, 0.30 cache read, 15 output.
// 1,200 × 3 + 500 × 3.75 + 1,500 × 0.30 + 340 × 15 = 3,600 + 1,875 + 450 + 5,100 = 11,025 → $0.011025
const CONVERSE_COST = "0.011025";
const CONVERSE_TOKENS = { inputTokens: 3200, cachedInputTokens: 1500, cacheWriteTokens: 500, outputTokens: 340 };

describe("Bedrock through the proxy, with a virtual key", () => {
  it("Converse (SigV4 with the key as access key id): re-signed with the held credentials, tokens and exact cost, bytes unchanged", async () => {
    const res = await sigv4().send(new ConverseCommand({ modelId: SONNET, messages, inferenceConfig: { maxTokens: 512 } }));
    expect(res.output?.message?.content?.[0]?.text).toBe(CONVERSE_TEXT.join(""));
    expect(res.usage).toMatchObject(CONVERSE_USAGE);
    const upstream = fake.seen[fake.seen.length - 1]!;
    expect(upstream.auth).toBe("sigv4");
    expect(upstream.url).toBe("/model/us.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
    expect(String(upstream.headers.authorization)).toContain(`Credential=${AWS_CREDENTIALS.accessKeyId}/`);
    expect(received[received.length - 1]!.equals(fake.sent[fake.sent.length - 1]!)).toBe(true);
    const call = await onlyCall((c) => c.endpoint === "converse" && c.stream === false && c.model === SONNET);
    expect(call).toMatchObject({
      provider: "bedrock",
      app: "bedrock-app",
      outcome: "ok",
      status: 200,
      ...CONVERSE_TOKENS,
      usageSource: "reported",
      costUsd: CONVERSE_COST,
      priced: true,
    });
    expect(call.upstreamRequestId).toMatch(/^req-/);
  });

  it("ConverseStream (bearer key): the event stream passes unchanged and stays a stream; usage from the metadata event", async () => {
    const res = await bearer(vk).send(new ConverseStreamCommand({ modelId: SONNET, messages }));
    let text = "";
    let events = 0;
    for await (const event of res.stream!) {
      events++;
      text += event.contentBlockDelta?.delta?.text ?? "";
      if (event.metadata) expect(event.metadata.usage).toMatchObject(CONVERSE_USAGE);
    }
    expect(text).toBe(CONVERSE_TEXT.join(""));
    expect(events).toBe(CONVERSE_TEXT.length + 4);
    expect(fake.seen[fake.seen.length - 1]!.auth).toBe("sigv4");
    await eventually(async () => expect(received[received.length - 1]!.equals(fake.sent[fake.sent.length - 1]!)).toBe(true));
    const call = await onlyCall((c) => c.endpoint === "converse" && c.stream === true && c.model === SONNET);
    expect(call).toMatchObject({ outcome: "ok", ...CONVERSE_TOKENS, usageSource: "reported", costUsd: CONVERSE_COST });
    expect(call.ttftMs).toBeGreaterThan(0);
    // The binary stream is stored (TOLLGATE_LOG_BODIES) as its decoded messages, never as raw bytes.
    const detail = await eventually(async () => {
      const d = (await (await tg.admin(`/api/calls/${String(call.id)}`)).json()) as {
        responseBody?: string | null;
        responseAssembled?: boolean;
      };
      if (!d.responseBody) throw new Error("body not stored yet");
      return d;
    });
    expect(detail.responseAssembled).toBe(true);
    const stored = JSON.parse(detail.responseBody!) as { event: string; data: unknown }[];
    expect(stored.map((e) => e.event)).toEqual([
      "messageStart",
      ...CONVERSE_TEXT.map(() => "contentBlockDelta"),
      "contentBlockStop",
      "messageStop",
      "metadata",
    ]);
    expect(stored[stored.length - 1]!.data).toMatchObject({ usage: CONVERSE_USAGE });
  });

  it("stays a stream: the first events reach the client while Bedrock is still answering", async () => {
    const modelId = "anthropic.claude-held-v1:0";
    const res = await sigv4().send(new ConverseStreamCommand({ modelId, messages }));
    const events = res.stream![Symbol.asyncIterator]();
    expect((await events.next()).value).toMatchObject({ messageStart: { role: "assistant" } });
    expect((await events.next()).value).toMatchObject({ contentBlockDelta: { delta: { text: CONVERSE_TEXT[0] } } });
    releaseHeldStream();
    let last: unknown;
    for (let next = await events.next(); !next.done; next = await events.next()) last = next.value;
    expect(last).toMatchObject({ metadata: { usage: CONVERSE_USAGE } });
    const call = await onlyCall((c) => c.model === modelId);
    expect(call).toMatchObject({ stream: true, outcome: "ok", ...CONVERSE_TOKENS });
  });

  it("InvokeModel: Anthropic, Nova, Llama bodies and Mistral's token-count headers, each priced by its Bedrock id", async () => {
    const cases = [
      // 900 × 3 + 300 × 3.75 + 2,000 × 0.30 + 150 × 15 = 2,700 + 1,125 + 600 + 2,250 = 6,675 → $0.006675
      [
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        { anthropic_version: "bedrock-2023-05-31", max_tokens: 200, messages: [{ role: "user", content: "Dis bonjour" }] },
        { inputTokens: 3200, cachedInputTokens: 2000, cacheWriteTokens: 300, outputTokens: 150 },
        "0.006675",
      ],
      // nova-pro: 420 × 0.80 + 64 × 3.20 = 336 + 204.8 → $0.0005408
      [
        "amazon.nova-pro-v1:0",
        { messages: [{ role: "user", content: [{ text: "Dis bonjour" }] }], inferenceConfig: { max_new_tokens: 100 } },
        { inputTokens: 420, outputTokens: 64 },
        "0.0005408",
      ],
      // llama3-1-70b: (77 + 23) × 0.72 → $0.000072
      ["meta.llama3-1-70b-instruct-v1:0", { prompt: "Dis bonjour", max_gen_len: 100 }, { inputTokens: 77, outputTokens: 23 }, "0.000072"],
      // not in the price table: counted from the headers, recorded unpriced (never $0)
      [
        "mistral.mistral-large-2407-v1:0",
        { prompt: "<s>[INST] Dis bonjour [/INST]", max_tokens: 100 },
        { inputTokens: INVOKE_COUNTS.input, outputTokens: INVOKE_COUNTS.output },
        null,
      ],
    ] as const;
    for (const [modelId, body, tokens, cost] of cases) {
      const res = await sigv4().send(
        new InvokeModelCommand({ modelId, body: JSON.stringify(body), contentType: "application/json", accept: "application/json" }),
      );
      expect(Buffer.from(res.body).equals(fake.sent[fake.sent.length - 1]!)).toBe(true);
      const call = await onlyCall((c) => c.endpoint === "invoke" && c.model === modelId);
      expect(call).toMatchObject({ outcome: "ok", ...tokens, usageSource: "reported", costUsd: cost, priced: cost !== null });
    }
  });

  it("InvokeModelWithResponseStream: chunks decoded as they pass, usage from amazon-bedrock-invocationMetrics", async () => {
    const modelId = "anthropic.claude-3-5-sonnet-20240620-v1:0-stream".replace("-stream", "");
    const res = await sigv4().send(
      new InvokeModelWithResponseStreamCommand({
        modelId,
        body: JSON.stringify({
          anthropic_version: "bedrock-2023-05-31",
          max_tokens: 100,
          messages: [{ role: "user", content: "Dis bonjour" }],
        }),
      }),
    );
    let text = "";
    for await (const event of res.body!) {
      const inner = JSON.parse(Buffer.from(event.chunk!.bytes!).toString("utf8")) as { delta?: { text?: string } };
      text += inner.delta?.text ?? "";
    }
    expect(text).toBe(CONVERSE_TEXT.join(""));
    await eventually(async () => expect(received[received.length - 1]!.equals(fake.sent[fake.sent.length - 1]!)).toBe(true));
    // 25 × 3 + 40 × 3.75 + 100 × 0.30 + 12 × 15 = 75 + 150 + 30 + 180 = 435 → $0.000435
    const call = await onlyCall((c) => c.endpoint === "invoke" && c.stream === true);
    expect(call).toMatchObject({
      model: modelId,
      outcome: "ok",
      inputTokens: 165,
      cachedInputTokens: 100,
      cacheWriteTokens: 40,
      outputTokens: 12,
      usageSource: "reported",
      costUsd: "0.000435",
    });
  });

  it("records throttling (429) as rate_limited and validation (400) as bad_request, with Bedrock's error types", async () => {
    for (const [modelId, status, outcome, errorType, name] of [
      ["anthropic.claude-throttled-v1:0", 429, "rate_limited", "ThrottlingException", "ThrottlingException"],
      ["anthropic.claude-invalid-v1:0", 400, "bad_request", "ValidationException", "ValidationException"],
    ] as const) {
      const err = (await sigv4()
        .send(new ConverseCommand({ modelId, messages }))
        .catch((e: unknown) => e)) as { name?: string; $metadata?: { httpStatusCode?: number } };
      expect(err.name).toBe(name);
      expect(err.$metadata?.httpStatusCode).toBe(status);
      const call = await onlyCall((c) => c.model === modelId);
      expect(call).toMatchObject({ status, outcome, errorType, costUsd: "0.0", priced: true }); // no tokens used: exactly $0
      expect(call.errorMessage).toBeTruthy();
    }
  });

  it("a throttling exception inside a stream ends the call rate_limited", async () => {
    const modelId = "anthropic.claude-midstream-v1:0";
    const res = await sigv4().send(new ConverseStreamCommand({ modelId, messages }));
    const err = await (async () => {
      for await (const _ of res.stream!) void _;
    })().catch((e: unknown) => e);
    expect((err as Error).name).toBe("ThrottlingException");
    const call = await onlyCall((c) => c.model === modelId);
    expect(call).toMatchObject({ status: 200, outcome: "rate_limited", errorType: "throttlingException" });
  });
});

describe("Bedrock access", () => {
  it("refuses a key scoped to another provider with a clear 401 in Bedrock's error shape, before Bedrock", async () => {
    const openaiKey = (await createKey(tg, { app: "other-app", provider: "openai" })).key;
    const before = fake.seen.length;
    const err = (await client({ credentials: { accessKeyId: openaiKey, secretAccessKey: "x" } })
      .send(new ConverseCommand({ modelId: SONNET, messages }))
      .catch((e: unknown) => e)) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    expect(err.$metadata?.httpStatusCode).toBe(401);
    expect(err.name).toBe("UnrecognizedClientException");
    expect(err.message).toContain('is for provider "openai", not "bedrock"');
    expect(fake.seen.length).toBe(before);
  });

  it("refuses an unknown virtual key", async () => {
    const err = (await bearer("tg_" + "x".repeat(43))
      .send(new ConverseCommand({ modelId: SONNET, messages }))
      .catch((e: unknown) => e)) as { $metadata?: { httpStatusCode?: number } };
    expect(err.$metadata?.httpStatusCode).toBe(401);
  });

  it("passes a Bedrock API key (bearer) through untouched, unsigned", async () => {
    await bearer(BEDROCK_API_KEY).send(new ConverseCommand({ modelId: "amazon.nova-pro-v1:0", messages }));
    const upstream = fake.seen[fake.seen.length - 1]!;
    expect(upstream.auth).toBe("bearer");
    expect(upstream.headers["x-amz-date"]).toBeUndefined();
  });

  it("refuses a SigV4 signature by the client's own credentials (made for Tollgate's host) with a clear 403", async () => {
    const before = fake.seen.length;
    const err = (await client({ credentials: { accessKeyId: "AKIACLIENTOWN0000001", secretAccessKey: "client-secret" } })
      .send(new ConverseCommand({ modelId: SONNET, messages }))
      .catch((e: unknown) => e)) as { message?: string; $metadata?: { httpStatusCode?: number } };
    expect(err.$metadata?.httpStatusCode).toBe(403);
    expect(err.message).toContain("virtual key");
    expect(fake.seen.length).toBe(before);
  });

  it("the fake refuses a bad signature with Bedrock's 403 (the check is real)", async () => {
    const res = await fetch(`${fake.url}/model/${encodeURIComponent(SONNET)}/converse`, {
      method: "POST",
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=${AWS_CREDENTIALS.accessKeyId}/20261208/${REGION}/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`,
        "x-amz-date": "20261208T000000Z",
      },
      body: "{}",
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("x-amzn-errortype")).toMatch(/^InvalidSignatureException:/);
  });

  it("never stores or logs the AWS secret or the virtual key", async () => {
    const { rows } = await db.pool.query("SELECT * FROM calls");
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(AWS_CREDENTIALS.secretAccessKey);
    expect(stored).not.toContain(vk);
    expect(tg.logs.join("\n")).not.toContain(AWS_CREDENTIALS.secretAccessKey);
  });
});

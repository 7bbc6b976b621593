import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANTHROPIC_MODEL, startFakeAnthropic } from "../../support/fake-anthropic.ts";
import { startFakeGemini } from "../../support/fake-gemini.ts";
import { startFakeOpenAi } from "../../support/fake-openai.ts";
import { startFakeServer, type FakeServer } from "../../support/fake-server.ts";
import { parsePromText } from "../../support/prom-text.ts";
import { fakes, useProxyFixture } from "../../support/proxy-fixture.ts";
import { eventually, startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  status?: { code?: number };
  attributes: Array<{ key: string; value: OtlpValue }>;
}
interface Received {
  resource: Record<string, unknown>;
  span: OtlpSpan;
  attrs: Record<string, unknown>;
}

const value = (v: OtlpValue): unknown =>
  v.arrayValue
    ? (v.arrayValue.values ?? []).map(value)
    : (v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue)));
const flatten = (list: Array<{ key: string; value: OtlpValue }> = []) => Object.fromEntries(list.map((a) => [a.key, value(a.value)]));

/** An OTLP/HTTP receiver decoding the JSON the exporter posts to /v1/traces. */
function decode(body: string): Received[] {
  const out: Received[] = [];
  const json = JSON.parse(body) as {
    resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: OtlpValue }> }; scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
  };
  for (const rs of json.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const span of ss.spans) out.push({ resource: flatten(rs.resource.attributes), span, attrs: flatten(span.attributes) });
  return out;
}

const tg = useProxyFixture({
  fake: () =>
    fakes({
      openai: startFakeOpenAi,
      anthropic: startFakeAnthropic,
      gemini: startFakeGemini,
      receiver: () =>
        startFakeServer((_req, res) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end("{}");
        }),
    }),
  env: (f) => ({
    TOLLGATE_UPSTREAM_OPENAI: f.openai.url,
    TOLLGATE_UPSTREAM_ANTHROPIC: f.anthropic.url,
    TOLLGATE_UPSTREAM_GEMINI: f.gemini.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: f.receiver.url,
    OTEL_SERVICE_NAME: "tollgate-test",
  }),
});

async function metric(t: Pick<TestTollgate, "url">, name: string): Promise<number> {
  return parsePromText(await (await fetch(`${t.url}/metrics`)).text()).sum(name);
}

describe("OpenTelemetry export", () => {
  it("exports each call as a GenAI span, child of the incoming traceparent", async () => {
    const openai = new OpenAI({ apiKey: "sk-test-otel-1234567890", baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
    const { response } = await openai.chat.completions
      .create(
        { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
        { headers: { traceparent: `00-${TRACE}-${PARENT}-01`, "x-tollgate-app": "agent", "x-tollgate-session": "run-7" } },
      )
      .withResponse();
    const chatId = response.headers.get("x-tollgate-call-id")!;
    const anthropic = new Anthropic({ apiKey: "sk-ant-test-otel-1234567890", baseURL: `${tg.url}/anthropic`, maxRetries: 0 });
    await anthropic.messages.stream({ model: ANTHROPIC_MODEL, max_tokens: 50, messages: [{ role: "user", content: "hi" }] }).finalMessage();
    const gemini = new GoogleGenAI({ apiKey: "AIzaTestGeminiKey_0123456789abcdefgh", httpOptions: { baseUrl: `${tg.url}/gemini` } });
    await gemini.models
      .generateContent({ model: "gemini-2.5-flash-500", contents: "x", config: { httpOptions: { retryOptions: { attempts: 1 } } } })
      .catch(() => {});

    const spans = await eventually(async () => {
      await tg.tollgate.tracing!.forceFlush();
      const all = tg.fake.receiver.seen.filter((r) => r.url === "/v1/traces").flatMap((r) => decode(r.body));
      if (all.length < 3) throw new Error(`${all.length} spans`);
      return all;
    });
    expect(tg.fake.receiver.seen[0]!.headers["content-type"]).toContain("application/json");
    const calls = await tg.calls();
    const chatCall = calls.find((c) => c.id === chatId)!;
    const chat = spans.find((s) => s.attrs["tollgate.call_id"] === chatId)!;
    expect(chat.resource["service.name"]).toBe("tollgate-test");
    expect(chat.span).toMatchObject({ traceId: TRACE, parentSpanId: PARENT, name: "chat gpt-4o-mini", kind: 3 });
    expect(chat.span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(chat.attrs).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 1200,
      "gen_ai.usage.output_tokens": 300,
      "gen_ai.usage.cache_read.input_tokens": 400,
      "gen_ai.usage.reasoning.output_tokens": 100,
      "server.address": "127.0.0.1",
      "tollgate.cost_usd": chatCall.costUsd,
      "tollgate.app": "agent",
      "tollgate.session_id": "run-7",
    });
    expect(chat.attrs["error.type"]).toBeUndefined();
    // The span covers the call: its start and its latency.
    const startNs = BigInt(chat.span.startTimeUnixNano);
    expect(Number(startNs / 1_000_000n)).toBe(Date.parse(chatCall.startedAt as string));
    expect(Number(BigInt(chat.span.endTimeUnixNano) - startNs) / 1e6).toBeCloseTo(chatCall.latencyMs as number, 2);

    const claude = spans.find((s) => s.attrs["gen_ai.provider.name"] === "anthropic")!;
    expect(claude.span.parentSpanId ?? "").toBe(""); // no traceparent: a root span of its own trace
    expect(claude.span.traceId).not.toBe(TRACE);
    expect(claude.attrs).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": ANTHROPIC_MODEL,
      "tollgate.stream": true,
      "gen_ai.response.finish_reasons": ["end_turn"],
      "gen_ai.usage.cache_creation.input_tokens": 3000,
    });

    const failed = spans.find((s) => s.attrs["gen_ai.provider.name"] === "gcp.gemini")!;
    expect(failed.span.name).toBe("generate_content gemini-2.5-flash-500");
    expect(failed.span.status?.code).toBe(2);
    expect(failed.attrs["error.type"]).toEqual(expect.any(String));
    expect(failed.attrs["gen_ai.response.finish_reasons"]).toBeUndefined();
    expect(await metric(tg, "tollgate_otel_spans_exported_total")).toBeGreaterThanOrEqual(3);
    expect(await metric(tg, "tollgate_otel_spans_dropped_total")).toBe(0);
  });

  it("honours the caller's sampling decision (trace-flags 00: no span)", async () => {
    const before = tg.tollgate.tracing!.pending();
    await fetch(`${tg.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer sk-test-otel-1234567890",
        traceparent: `00-${TRACE}-${PARENT}-00`,
      },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    const seen = tg.fake.receiver.seen.length;
    await eventually(async () => {
      await tg.tollgate.tracing!.forceFlush();
      expect(tg.tollgate.tracing!.pending()).toBe(before);
    });
    expect(tg.fake.receiver.seen.slice(seen).flatMap((r) => decode(r.body))).toEqual([]);
  });
});

describe("with the collector down", () => {
  let hanging: FakeServer;
  let down: TestTollgate;
  let plain: TestTollgate;
  beforeAll(async () => {
    // Accepts each export and never answers: the exporter's request hangs until its timeout.
    hanging = await startFakeServer(() => new Promise<void>(() => {}));
    [down, plain] = await Promise.all([
      startTestTollgate({
        TOLLGATE_UPSTREAM_OPENAI: tg.fake.openai.url,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${hanging.url}/v1/traces`,
        TOLLGATE_OTEL_MAX_QUEUE: "4",
      }),
      startTestTollgate({ TOLLGATE_UPSTREAM_OPENAI: tg.fake.openai.url }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([down?.close(), plain?.close()]);
    await hanging?.close();
  });

  it("answers as fast as without export, and counts the spans it drops", async () => {
    const call = async (t: TestTollgate): Promise<number> => {
      const started = performance.now();
      const res = await fetch(`${t.url}/openai/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-test-otel-1234567890" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
      });
      await res.text();
      expect(res.status).toBe(200);
      return performance.now() - started;
    };
    for (let i = 0; i < 3; i++) await Promise.all([call(down), call(plain)]); // warm-up
    void down.tollgate.tracing!.forceFlush().catch(() => {});
    // An export is hanging on the collector now: what follows runs while it is stuck.
    await eventually(async () => expect(hanging.seen.length).toBeGreaterThan(0));
    const withDown: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < 30; i++) {
      withDown.push(await call(down));
      without.push(await call(plain));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(withDown)).toBeLessThan(median(without) * 2 + 10);
    expect(down.tollgate.tracing!.pending()).toBeLessThanOrEqual(4);
    const dropped = await metric(down, "tollgate_otel_spans_dropped_total");
    expect(dropped).toBeGreaterThanOrEqual(30 - 4);
  });
});

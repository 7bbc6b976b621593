import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { sumDecimalStrings } from "../../../server/src/lib/decimal.ts";
import { ANTHROPIC_MODEL, startFakeAnthropic } from "../../support/fake-anthropic.ts";
import { startFakeGemini } from "../../support/fake-gemini.ts";
import { startFakeOpenAi } from "../../support/fake-openai.ts";
import { fakes, useProxyFixture } from "../../support/proxy-fixture.ts";
import { eventually } from "../../support/tollgate.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const OTHER_TRACE = "0af7651916cd43dd8448eb211c80319c";
const SPANS = ["00f067aa0ba902b7", "b7ad6b7169203331", "53995c3f42cd8ad8", "1a2b3c4d5e6f7081"];
const traceparent = (trace: string, span: string) => `00-${trace}-${span}-01`;

const tg = useProxyFixture({
  fake: () => fakes({ openai: startFakeOpenAi, anthropic: startFakeAnthropic, gemini: startFakeGemini }),
  env: (f) => ({
    TOLLGATE_UPSTREAM_OPENAI: f.openai.url,
    TOLLGATE_UPSTREAM_ANTHROPIC: f.anthropic.url,
    TOLLGATE_UPSTREAM_GEMINI: f.gemini.url,
  }),
});

async function api<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${tg.url}${path}`);
  return { status: res.status, body: (await res.json()) as T };
}

type Call = Record<string, unknown> & { id: string; startedAt: string; costUsd: string | null };
type Session = {
  id: string;
  calls: number;
  errors: number;
  costUsd: string;
  inputTokens: string;
  outputTokens: string;
  durationMs: number;
  firstCallAt: string;
  lastCallAt: string;
  apps: string[];
};

describe("traces and sessions", () => {
  const made: string[] = [];

  it("reads traceparent and x-tollgate-session from the SDKs' calls, forwards traceparent unchanged and strips the session", async () => {
    const session = (span: string) => ({
      traceparent: traceparent(TRACE, span),
      tracestate: "congo=t61rcWkgMzE",
      "x-tollgate-session": "run-42",
    });
    const openai = new OpenAI({ apiKey: "sk-test-openai-1234567890", baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
    const { response: r1 } = await openai.chat.completions
      .create(
        { model: "gpt-4o-mini", messages: [{ role: "user", content: "plan" }] },
        { headers: { ...session(SPANS[0]!), "x-tollgate-property-team": "search", "x-tollgate-app": "agent" } },
      )
      .withResponse();
    made.push(r1.headers.get("x-tollgate-call-id")!);
    const seen = tg.fake.openai.seen[tg.fake.openai.seen.length - 1]!;
    expect(seen.headers.traceparent).toBe(traceparent(TRACE, SPANS[0]!));
    expect(seen.headers.tracestate).toBe("congo=t61rcWkgMzE");
    expect(seen.headers["x-tollgate-session"]).toBeUndefined();

    const anthropic = new Anthropic({ apiKey: "sk-ant-test-1234567890", baseURL: `${tg.url}/anthropic`, maxRetries: 0 });
    const stream = anthropic.messages.stream(
      { model: ANTHROPIC_MODEL, max_tokens: 100, messages: [{ role: "user", content: "search" }] },
      { headers: { ...session(SPANS[1]!), "x-tollgate-app": "agent" } },
    );
    await stream.finalMessage();
    const { response: r2 } = await stream.withResponse();
    made.push(r2.headers.get("x-tollgate-call-id")!);
    expect(tg.fake.anthropic.seen[tg.fake.anthropic.seen.length - 1]!.headers.traceparent).toBe(traceparent(TRACE, SPANS[1]!));

    const gemini = new GoogleGenAI({ apiKey: "AIzaTestGeminiKey_0123456789abcdefgh", httpOptions: { baseUrl: `${tg.url}/gemini` } });
    const answer = await gemini.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "answer",
      config: { httpOptions: { headers: { ...session(SPANS[2]!), "x-tollgate-app": "agent" } } },
    });
    made.push(answer.sdkHttpResponse!.headers!["x-tollgate-call-id"]!);
    await gemini.models
      .generateContent({
        model: "gemini-2.5-flash-500",
        contents: "fail",
        config: { httpOptions: { headers: { ...session(SPANS[3]!), "x-tollgate-app": "agent" }, retryOptions: { attempts: 1 } } },
      })
      .catch(() => {});
    expect(tg.fake.gemini.seen[tg.fake.gemini.seen.length - 1]!.headers["x-tollgate-session"]).toBeUndefined();

    // A trace without a session header: its trace id is its session.
    await openai.chat.completions.create(
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "alone" }] },
      { headers: { traceparent: traceparent(OTHER_TRACE, SPANS[0]!) } },
    );
    // An invalid traceparent (all-zero trace id) is forwarded but not read.
    await openai.chat.completions.create(
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "none" }] },
      { headers: { traceparent: `00-${"0".repeat(32)}-${SPANS[0]}-01` } },
    );
    expect(tg.fake.openai.seen[tg.fake.openai.seen.length - 1]!.headers.traceparent).toBe(`00-${"0".repeat(32)}-${SPANS[0]}-01`);
  });

  it("records the trace, the parent span and the session on each call", async () => {
    const calls = (await eventually(async () => {
      const all = (await tg.calls()) as Call[];
      if (all.length < 6) throw new Error(`${all.length} calls`);
      return all;
    })) as Call[];
    const inRun = calls.filter((c) => c.sessionId === "run-42");
    expect(inRun.map((c) => c.parentSpanId)).toEqual(SPANS);
    expect(inRun.every((c) => c.traceId === TRACE)).toBe(true);
    expect(inRun.slice(0, 3).map((c) => c.id)).toEqual(made);
    const alone = calls.find((c) => c.traceId === OTHER_TRACE)!;
    expect(alone.sessionId).toBe(OTHER_TRACE);
    const untraced = calls[calls.length - 1]!;
    expect(untraced).toMatchObject({ traceId: null, parentSpanId: null, sessionId: null });
  });

  it("lists sessions with their calls, cost, tokens, errors and duration, newest first, page by page", async () => {
    const calls = (await tg.calls()) as Call[];
    const inRun = calls.filter((c) => c.sessionId === "run-42");
    const { status, body } = await api<{ sessions: Session[]; nextCursor: string | null }>("/api/sessions");
    expect(status).toBe(200);
    expect(body.sessions.map((s) => s.id)).toEqual([OTHER_TRACE, "run-42"]);
    const run = body.sessions[1]!;
    const lastEnd = Math.max(...inRun.map((c) => Date.parse(c.startedAt) + (c.latencyMs as number)));
    expect(run).toMatchObject({
      calls: 4,
      errors: 1,
      costUsd: sumDecimalStrings(inRun.map((c) => c.costUsd)),
      inputTokens: String(inRun.reduce((s, c) => s + (c.inputTokens as number), 0)),
      outputTokens: String(inRun.reduce((s, c) => s + (c.outputTokens as number), 0)),
      firstCallAt: inRun[0]!.startedAt,
      lastCallAt: inRun[3]!.startedAt,
      apps: ["agent"],
    });
    expect(Number(run.costUsd)).toBeGreaterThan(0);
    expect(run.durationMs).toBeCloseTo(lastEnd - Date.parse(inRun[0]!.startedAt), 0);

    const first = await api<{ sessions: Session[]; nextCursor: string }>("/api/sessions?limit=1");
    expect(first.body.sessions.map((s) => s.id)).toEqual([OTHER_TRACE]);
    const second = await api<{ sessions: Session[]; nextCursor: string | null }>(`/api/sessions?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ sessions: [{ id: "run-42" }], nextCursor: null });
    expect((await api("/api/sessions?cursor=nonsense")).status).toBe(400);
    expect((await api<{ sessions: Session[] }>("/api/sessions?app=other")).body.sessions).toEqual([]);
  });

  it("gives a session's calls in order with what the waterfall draws", async () => {
    const calls = ((await tg.calls()) as Call[]).filter((c) => c.sessionId === "run-42");
    const { body } = await api<{ session: Session; calls: Array<Record<string, unknown>> }>("/api/sessions/run-42");
    expect(body.session).toMatchObject({ id: "run-42", calls: 4, errors: 1 });
    expect(body.calls.map((c) => c.id)).toEqual(calls.map((c) => c.id));
    const t0 = Date.parse(calls[0]!.startedAt);
    body.calls.forEach((c, i) => {
      const call = calls[i]!;
      expect(c).toMatchObject({
        startedAt: call.startedAt,
        offsetMs: Date.parse(call.startedAt) - t0,
        latencyMs: call.latencyMs,
        ttftMs: call.ttftMs,
        costUsd: call.costUsd,
        traceId: TRACE,
        parentSpanId: SPANS[i],
        outcome: call.outcome,
      });
    });
    expect(body.calls[1]).toMatchObject({ provider: "anthropic", stream: true });
    expect(body.calls[1]!.ttftMs).toEqual(expect.any(Number));
    expect(body.calls[3]).toMatchObject({ outcome: "upstream_error", status: 500 });
    expect((await api("/api/sessions/no-such-session")).status).toBe(404);
  });

  it("filters the call log by session, trace id and property", async () => {
    const ids = async (q: string) => (await api<{ calls: Call[] }>(`/api/calls?${q}`)).body.calls.map((c) => c.id);
    expect(await ids("session=run-42")).toHaveLength(4);
    expect(await ids(`traceId=${OTHER_TRACE}`)).toHaveLength(1);
    expect(await ids(`traceId=${TRACE}`)).toHaveLength(4);
    expect(await ids("property.team=search")).toEqual([made[0]]);
    expect(await ids("property.Team=search&session=run-42")).toEqual([made[0]]);
    expect(await ids("property.team=other")).toEqual([]);
    expect((await api("/api/calls?traceId=xyz")).status).toBe(400);
  });
});

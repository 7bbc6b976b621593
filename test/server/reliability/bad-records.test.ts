import { randomBytes, randomUUID } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import { insertIsolatingBadRows } from "../../../server/src/recording/bad-rows.ts";
import { boundUsage, MAX_CALL_TOKENS, plausibleReportedCost } from "../../../server/src/domain/usage-bounds.ts";
import { usage } from "../../../server/src/domain/usage.ts";
import { callRecord } from "../../support/call-record.ts";
import { startFakeGemini } from "../../support/fake-gemini.ts";
import { startFakeServer, type FakeServer } from "../../support/fake-server.ts";
import { parsePromText } from "../../support/prom-text.ts";
import { eventually, startTestTollgate, type TestTollgate } from "../../support/tollgate.ts";

/** Usage the fake upstream reports, by requested model; anything else reports 10 in, 2 out. */
const USAGE: Record<string, Record<string, unknown>> = {
  "usage-huge": { prompt_tokens: 1e30, completion_tokens: 5, total_tokens: 1e30 },
  "usage-big": { prompt_tokens: 5_000_000_000, completion_tokens: 1, total_tokens: 5_000_000_001 },
};

let upstream: FakeServer;
let gemini: FakeServer;
let tg: TestTollgate;

beforeAll(async () => {
  // An OpenAI-style upstream that answers every chat call 200 with the model echoed, as lenient gateways do.
  upstream = await startFakeServer((_req, res, body) => {
    const model = String((JSON.parse(body) as { model?: unknown }).model ?? "");
    const usage = USAGE[model] ?? { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: "chatcmpl-b",
        object: "chat.completion",
        created: 1764115200,
        model,
        choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
        usage,
      }),
    );
  });
  gemini = await startFakeGemini();
  tg = await startTestTollgate({
    TOLLGATE_UPSTREAM_OPENAI: upstream.url,
    TOLLGATE_UPSTREAM_GEMINI: gemini.url,
    TOLLGATE_RECORDER_BATCH_SIZE: "200",
  });
});
afterAll(async () => {
  await tg?.close();
  await upstream?.close();
  await gemini?.close();
});

async function chat(model: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${tg.url}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  return res.headers.get("x-tollgate-call-id")!;
}

async function recorded(id: string): Promise<Record<string, unknown>> {
  return eventually(async () => {
    await tg.tollgate.recorder.flush();
    const res = await fetch(`${tg.url}/api/calls/${id}`);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  });
}

async function metrics() {
  return parsePromText(await (await fetch(`${tg.url}/metrics`)).text());
}

/** Sends one request with raw header bytes (fetch refuses header values outside latin1). */
function rawHeaderCall(headers: Record<string, Buffer>): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${tg.url}/openai/v1/chat/completions`);
    const latin1: Record<string, string> = { "content-type": "application/json" };
    for (const [k, v] of Object.entries(headers)) latin1[k] = v.toString("latin1");
    const req = request({ hostname: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: latin1 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.headers["x-tollgate-call-id"] as string));
    });
    req.on("error", reject);
    // a Buffer body: a string one would make Node send the headers with the body's encoding (UTF-8)
    req.end(Buffer.from(JSON.stringify({ model: "gpt-4o-mini", messages: [] })));
  });
}

describe("bad input never costs a recorded call", () => {
  it("1 % of calls with NUL in the model: every call is recorded exactly once, without the spool", async () => {
    const total = 1000;
    const ids: string[] = [];
    const bad = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        const nul = i % 100 === 50;
        const id = await chat(nul ? "gpt-4o-mini\u0000" : "gpt-4o-mini", { "x-tollgate-app": "one-percent" });
        ids.push(id);
        if (nul) bad.add(id);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    await tg.tollgate.recorder.flush();
    expect(bad.size).toBe(10);
    const { rows } = await tg.db.pool.query<{ id: string; model: string }>(`SELECT id::text, model FROM calls WHERE app = 'one-percent'`);
    expect(rows.length).toBe(total);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(ids));
    for (const r of rows) expect(r.model).toBe("gpt-4o-mini");
    // no batch went to the spool: a bad row cost neither the batch nor a row-by-row replay
    const m = await metrics();
    expect(m.sum("tollgate_recorder_written_total", { target: "spool" })).toBe(0);
    expect(m.sum("tollgate_recorder_dropped_total")).toBe(0);
    expect(tg.tollgate.spool.records()).toBe(0);
  });

  it("a Gemini model with %00 in the path is recorded, NUL stripped", async () => {
    const res = await fetch(`${tg.url}/gemini/v1beta/models/gemini-2.0-flash%00:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(res.status).toBe(200);
    const call = await recorded(res.headers.get("x-tollgate-call-id")!);
    expect(call).toMatchObject({ provider: "gemini", model: "gemini-2.0-flash", outcome: "ok" });
  });

  it("an overlong model with a lone surrogate is recorded cut to 200 code units and well-formed", async () => {
    const model = "m".repeat(150) + "\ud800" + "x".repeat(5000);
    const call = await recorded(await chat(model));
    expect(call.model).toBe("m".repeat(150) + "\ufffd" + "x".repeat(49));
    expect(call.responseModel).toBe(call.model);
  });
});

describe("implausible usage", () => {
  it("1e30 tokens are recorded clamped to 1e12, flagged, unpriced, and never reach the counters raw", async () => {
    const call = await recorded(await chat("usage-huge", { "x-tollgate-app": "huge" }));
    expect(call).toMatchObject({
      inputTokens: MAX_CALL_TOKENS,
      outputTokens: 5,
      usageClamped: true,
      priced: false,
      costUsd: null,
      usageSource: "reported",
    });
    const m = await metrics();
    expect(m.value("tollgate_tokens_total", { app: "huge", model: "usage-huge", type: "input" })).toBe(MAX_CALL_TOKENS);
    expect(Math.max(...m.find("tollgate_tokens_total").map((s) => s.value))).toBeLessThanOrEqual(MAX_CALL_TOKENS);
  });

  it("negative, fractional and non-numeric counts are clamped and flagged (adapters that pass them on)", () => {
    const odd = usage({ inputTokens: -5, outputTokens: 2.5, cachedInputTokens: Number.NaN, reasoningTokens: "7" as unknown as number });
    expect(boundUsage(odd)).toEqual({
      usage: usage({ inputTokens: 0, outputTokens: 3, cachedInputTokens: 0, reasoningTokens: 7 }),
      clamped: true,
      overBound: false,
    });
    expect(boundUsage(usage({ outputTokens: Infinity }))).toMatchObject({
      usage: { outputTokens: MAX_CALL_TOKENS },
      clamped: true,
      overBound: true,
    });
    const fine = usage({ inputTokens: 12 });
    expect(boundUsage(fine).usage).toBe(fine);
    expect(plausibleReportedCost("1e30")).toBeNull();
    expect(plausibleReportedCost("0.25")).toBe("0.25");
  });

  it("a plausible count is not flagged", async () => {
    const plain = await recorded(await chat("gpt-4o-mini"));
    expect(plain).toMatchObject({ inputTokens: 10, outputTokens: 2, usageClamped: false });
  });

  it("a count above int4 (5e9 tokens) is recorded as it is: token columns are bigint", async () => {
    const call = await recorded(await chat("usage-big"));
    expect(call).toMatchObject({ inputTokens: 5_000_000_000, outputTokens: 1, usageClamped: false });
    const { rows } = await tg.db.pool.query<{ t: string }>(
      `SELECT data_type AS t FROM information_schema.columns WHERE table_name = 'calls' AND column_name LIKE '%tokens'`,
    );
    // the six kinds of tokens and the two audio parts
    expect(rows.map((r) => r.t)).toEqual(Array(8).fill("bigint"));
  });
});

describe("attribution headers", () => {
  it("are read as UTF-8, and bytes that are not UTF-8 become U+FFFD", async () => {
    const id = await rawHeaderCall({
      "x-tollgate-app": Buffer.from("café＝", "utf8"),
      "x-tollgate-user": Buffer.from([0x61, 0xff, 0x62]),
      "x-tollgate-property-team": Buffer.from("zürich 東京", "utf8"),
    });
    const call = await recorded(id);
    expect(call).toMatchObject({ app: "café＝", user: "a\ufffdb", properties: { team: "zürich 東京" } });
  });
});

describe("a batch Postgres refuses for one row", () => {
  function raw(overrides: Partial<CallRecord>): CallRecord {
    return callRecord({ id: randomUUID(), app: "isolate", ...overrides });
  }

  it("is split to isolate the bad rows, each recorded repaired, the rest as they are, exactly once", async () => {
    const records = Array.from({ length: 1000 }, () => raw({ inputTokens: 7 }));
    // unsanitised rows, as an older spool may hold them
    records[3] = raw({ model: "gpt-4o-mini\u0000" });
    records[500] = raw({ properties: { team: "a\ud800" }, inputTokens: 1e30 });
    const noise = randomBytes(4000).toString("hex"); // incompressible: too large for a btree entry (SQLSTATE 54000)
    records[501] = raw({ model: noise });
    records[999] = raw({ errorMessage: "bad\u0000message", outputTokens: Number.NaN });
    const inserted = await insertCalls(tg.db.pool, records);
    expect(inserted).toBe(1000);
    const { rows } = await tg.db.pool.query<{
      id: string;
      model: string;
      properties: unknown;
      input_tokens: string;
      output_tokens: string;
      error_message: string | null;
      usage_clamped: boolean;
    }>(`SELECT id::text, model, properties, input_tokens, output_tokens, error_message, usage_clamped FROM calls WHERE app = 'isolate'`);
    expect(rows.length).toBe(1000);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(records[3]!.id)!.model).toBe("gpt-4o-mini");
    expect(byId.get(records[500]!.id)).toMatchObject({
      properties: { team: "a\ufffd" },
      input_tokens: String(MAX_CALL_TOKENS),
      usage_clamped: true,
    });
    expect(byId.get(records[501]!.id)!.model).toBe(noise.slice(0, 200));
    expect(byId.get(records[999]!.id)).toMatchObject({ error_message: "badmessage", output_tokens: "0", usage_clamped: true });
    expect(byId.get(records[0]!.id)).toMatchObject({ input_tokens: "7", usage_clamped: false });
    // the rollups count each call once
    const { rows: sums } = await tg.db.pool.query<{ calls: string }>(
      `SELECT sum(calls)::text AS calls FROM call_rollups_hourly WHERE app = 'isolate'`,
    );
    expect(sums[0]!.calls).toBe("1000");
    // replaying the same batch (a spool replay) adds nothing
    expect(await insertCalls(tg.db.pool, records)).toBe(0);
  });

  it("takes about 2·log2(n) extra inserts per bad row, not one per row", async () => {
    const records = Array.from({ length: 1024 }, () => raw({}));
    // the originals are refused; their repaired copies (new objects) go in
    const bad = new Set([records[10]!, records[700]!]);
    let attempts = 0;
    const inserted = await insertIsolatingBadRows(records, async (batch) => {
      attempts++;
      if (batch.some((r) => bad.has(r))) throw Object.assign(new Error("invalid byte sequence"), { code: "22021" });
      return batch.length;
    });
    expect(inserted).toBe(1024);
    expect(attempts).toBeLessThanOrEqual(1 + 4 * Math.log2(1024) + 2); // vs 1024 for a row-by-row replay
  });

  it("a connectivity failure is not split: it goes to the caller (and the spool) whole", async () => {
    let attempts = 0;
    await expect(
      insertIsolatingBadRows([raw({}), raw({})], async () => {
        attempts++;
        throw Object.assign(new Error("Connection terminated"), { code: "57P01" });
      }),
    ).rejects.toThrow("Connection terminated");
    expect(attempts).toBe(1);
  });
});

import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { useProxyFixture } from "../../support/proxy-fixture.ts";
import { eventually } from "../../support/tollgate.ts";
import { startFaultyUpstream } from "./faulty-upstream.ts";

const tg = useProxyFixture({ fake: startFaultyUpstream, routes: ["OPENAI"], env: () => ({ TOLLGATE_UPSTREAM_TIMEOUT_MS: "30000" }) });

// token columns are bigint (node-postgres reads them as strings): read back as numbers
const rowsFor = async (model: string) =>
  (
    await tg.db.pool.query(
      "SELECT *, input_tokens::float8 AS input_tokens, output_tokens::float8 AS output_tokens FROM calls WHERE model = $1",
      [model],
    )
  ).rows as Record<string, unknown>[];

async function onlyRecord(model: string): Promise<Record<string, unknown>> {
  return eventually(async () => {
    await tg.tollgate.recorder.flush();
    const rows = await rowsFor(model);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  });
}

function startStream(model: string, extra: Record<string, unknown> = {}) {
  const controller = new AbortController();
  const response = fetch(`${tg.url}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model,
      stream: true,
      messages: [{ role: "user", content: "Write a very long story about lighthouses." }],
      ...extra,
    }),
    signal: controller.signal,
  });
  return { controller, response };
}

/** Reads the stream until `until(textSoFar)` holds. */
async function readUntil(res: Response, until: (text: string) => boolean): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!until(text)) {
    const { done, value } = await reader.read();
    if (done) throw new Error("stream ended early");
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

describe("client disconnects", () => {
  it("mid-stream: the upstream request is aborted and the call recorded client_cancelled once, tokens estimated", async () => {
    const before = tg.fake.requests.length;
    const { controller, response } = startStream("drip");
    const res = await response;
    expect(res.status).toBe(200);
    await readUntil(res, (t) => t.includes("word3 "));
    controller.abort();
    const upstreamRequest = tg.fake.requests[before]!;
    await upstreamRequest.closed; // the fake provider sees its connection closed: no leaked socket
    expect(upstreamRequest.isClosed()).toBe(true);
    const call = await onlyRecord("drip");
    expect(call).toMatchObject({ outcome: "client_cancelled", stream: true, status: 200, usage_source: "estimated" });
    expect(call.output_tokens).toBeGreaterThanOrEqual(4);
    expect(call.input_tokens).toBeGreaterThan(0);
    await eventually(async () => expect(tg.tollgate.app.proxy.inFlight()).toBe(0));
  });

  it("after the provider reported usage: recorded client_cancelled with the reported tokens", async () => {
    const { controller, response } = startStream("usage-then-stall", { stream_options: { include_usage: true } });
    const res = await response;
    await readUntil(res, (t) => t.includes('"prompt_tokens":50'));
    controller.abort();
    const call = await onlyRecord("usage-then-stall");
    expect(call).toMatchObject({ outcome: "client_cancelled", usage_source: "reported", input_tokens: 50, output_tokens: 7 });
  });

  it("before the response: the waiting upstream request is aborted, recorded client_cancelled (499)", async () => {
    const before = tg.fake.requests.length;
    const { controller, response } = startStream("hang");
    const failed = response.catch((e: unknown) => e);
    await eventually(async () => expect(tg.fake.requests.length).toBe(before + 1));
    controller.abort();
    expect(await failed).toBeInstanceOf(Error);
    await tg.fake.requests[before]!.closed;
    const call = await onlyRecord("hang");
    // the prompt reached the provider (input may be billed); nothing was generated
    expect(call).toMatchObject({ outcome: "client_cancelled", status: 499, usage_source: "estimated", output_tokens: 0 });
    expect(call.input_tokens).toBeGreaterThan(0);
  });

  it("while still sending the request body: recorded client_cancelled once, never forwarded", async () => {
    const before = tg.fake.requests.length;
    const url = new URL(tg.url);
    const req = request({
      hostname: url.hostname,
      port: url.port,
      path: "/openai/v1/chat/completions",
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "100000", "x-tollgate-app": "half-sent" },
    });
    req.on("error", () => {});
    req.write('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"');
    // The client leaves once Tollgate has the request and is reading its body (not after a guessed delay: a
    // connection closed before its request arrived is no call at all).
    await eventually(async () => expect(tg.tollgate.app.proxy.inFlight()).toBe(1));
    req.destroy();
    const row = await eventually(async () => {
      await tg.tollgate.recorder.flush();
      const rows = (await tg.db.pool.query("SELECT * FROM calls WHERE app = 'unknown' AND status = 499 AND model IS NULL")).rows as Record<
        string,
        unknown
      >[];
      expect(rows).toHaveLength(1);
      return rows[0]!;
    });
    expect(row).toMatchObject({ outcome: "client_cancelled", status: 499 });
    expect(tg.fake.requests.length).toBe(before);
    await eventually(async () => expect(tg.tollgate.app.proxy.inFlight()).toBe(0));
  });
});

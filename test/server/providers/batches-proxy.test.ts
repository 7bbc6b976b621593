import Anthropic from "@anthropic-ai/sdk";
import OpenAI, { toFile } from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { ANTHROPIC_BATCH_ID, OPENAI_BATCH_ID, startFakeBatches } from "../../support/fake-batches.ts";
import { useProxyFixture } from "../../support/proxy-fixture.ts";
import { eventually } from "../../support/tollgate.ts";
import { parsePromText } from "../../support/prom-text.ts";
import { latencyReport } from "../../../server/src/reports/latency.ts";

const tg = useProxyFixture({ fake: startFakeBatches, routes: ["OPENAI", "ANTHROPIC"] });

beforeAll(async () => {
  // The creators' budgets (alert only): batch calls count in them as every call does.
  for (const app of ["nightly-batch", "claims-batch"]) {
    const res = await fetch(`${tg.url}/api/budgets/${app}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ limitUsd: "100", period: "month", action: "alert" }),
    });
    expect(res.status).toBe(200);
  }
});

async function spent(app: string): Promise<string> {
  const body = (await (await fetch(`${tg.url}/api/budgets`)).json()) as { budgets: Array<{ id: string; spentUsd: string }> };
  return body.budgets.find((b) => b.id === `app:${app}`)!.spentUsd;
}

async function scraped(app: string): Promise<{ requests: number; failed: number; cost: number; input: number }> {
  const prom = parsePromText(await (await fetch(`${tg.url}/metrics`)).text());
  // the batch endpoints' own calls (create, retrieve, file reads) have no model: only the result lines do
  const sum = (name: string, labels: Record<string, string>) =>
    prom
      .find(name, labels)
      .filter((s) => s.labels.model !== "none")
      .reduce((acc, s) => acc + s.value, 0);
  // (and the errored line, which names none either: the only failure of the app)
  return {
    requests: sum("tollgate_requests_total", { app }),
    failed: prom.sum("tollgate_requests_total", { app, outcome: "upstream_error" }),
    cost: sum("tollgate_cost_usd_total", { app }),
    input: sum("tollgate_tokens_total", { app, type: "input" }),
  };
}

/** Waits until `n` reads of results (paths ending with `suffix`) are recorded: their metering is then queued. */
const readsRecorded = (suffix: string, n: number) =>
  eventually(async () => expect((await tg.calls()).filter((c) => String(c.endpoint).endsWith(suffix))).toHaveLength(n));

const batchCalls = async (endpoint: string) => (await tg.calls()).filter((c) => c.endpoint === endpoint);

describe("batch jobs", () => {
  it("OpenAI: one call per result line at the batch price, attributed to the creator, none twice", async () => {
    const creator = new OpenAI({
      apiKey: "sk-test",
      baseURL: `${tg.url}/openai/v1`,
      maxRetries: 0,
      defaultHeaders: { "x-tollgate-app": "nightly-batch", "x-tollgate-user": "ops" },
    });
    const file = await creator.files.create({
      file: await toFile(
        Buffer.from(
          '{"custom_id":"request-1","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[]}}\n',
        ),
        "batchinput.jsonl",
      ),
      purpose: "batch",
    });
    const batch = await creator.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
    expect(batch.id).toBe(OPENAI_BATCH_ID);

    // Another app reads the results later: the calls are still the creator's.
    const reader = new OpenAI({
      apiKey: "sk-test",
      baseURL: `${tg.url}/openai/v1`,
      maxRetries: 0,
      defaultHeaders: { "x-tollgate-app": "reader" },
    });
    const done = await reader.batches.retrieve(OPENAI_BATCH_ID);
    const read = async () => {
      for (const fileId of [done.output_file_id!, done.error_file_id!]) await (await reader.files.content(fileId)).text();
    };
    await read();
    const calls = await eventually(async () => {
      const rows = await batchCalls("batch.chat.completions");
      if (rows.length !== 3) throw new Error(`${rows.length} batch calls`);
      return rows;
    });
    // gpt-4o-mini at half price: $0.075 in, $0.30 out per 1M
    const byId = Object.fromEntries(calls.map((c) => [c.upstreamRequestId, c]));
    expect(byId.req_123).toMatchObject({
      app: "nightly-batch",
      user: "ops",
      provider: "openai",
      serviceTier: "batch",
      responseModel: "gpt-4o-mini-2024-07-18",
      inputTokens: 22,
      outputTokens: 2,
      costUsd: "0.00000225",
      priced: true,
      outcome: "ok",
    });
    expect(byId.req_124).toMatchObject({ app: "nightly-batch", inputTokens: 1000, outputTokens: 200, costUsd: "0.000135" });
    expect(byId.req_456).toMatchObject({
      app: "nightly-batch",
      status: 400,
      outcome: "upstream_error",
      usageSource: "none",
      costUsd: "0.0",
      priced: true,
    });

    // Counted like any call: the creator's budget and the metrics, once.
    const counted = async () => {
      expect(Number(await spent("nightly-batch"))).toBe(0.00013725);
      expect(await scraped("nightly-batch")).toEqual({ requests: 2, failed: 1, cost: expect.closeTo(0.00013725, 12), input: 1022 });
    };
    await eventually(counted);

    await read(); // results read again: nothing new
    await readsRecorded("/content", 4);
    await tg.tollgate.batches.idle(); // the second read's metering, queued when its call was recorded
    await tg.tollgate.recorder.flush();
    expect(await batchCalls("batch.chat.completions")).toHaveLength(3);
    await counted();
  });

  it("Anthropic: one call per results line at the batch price, attributed to the creator, none twice", async () => {
    const creator = new Anthropic({
      apiKey: "sk-ant-test",
      baseURL: `${tg.url}/anthropic`,
      maxRetries: 0,
      defaultHeaders: { "x-tollgate-app": "claims-batch" },
    });
    const batch = await creator.messages.batches.create({
      requests: [1, 2, 3].map((i) => ({
        custom_id: `request-${i}`,
        params: { model: "claude-sonnet-4-5-20250929", max_tokens: 1024, messages: [{ role: "user" as const, content: "Hello, world" }] },
      })),
    });
    expect(batch.id).toBe(ANTHROPIC_BATCH_ID);
    // The retrieve answer's results_url names Tollgate's route, not the provider's host: the SDK's
    // results() follows it through Tollgate. Nothing else in the answer changes.
    const retrieved = await creator.messages.batches.retrieve(ANTHROPIC_BATCH_ID);
    expect(retrieved.results_url).toBe(`${tg.url}/anthropic/v1/messages/batches/${ANTHROPIC_BATCH_ID}/results`);
    expect(retrieved).toMatchObject({
      id: ANTHROPIC_BATCH_ID,
      type: "message_batch",
      processing_status: "ended",
      request_counts: { succeeded: 2, errored: 1 },
    });
    // The list and cancel answers carry the same results_url: pointed at Tollgate's route too.
    const listed: Anthropic.Messages.MessageBatch[] = [];
    for await (const b of creator.messages.batches.list()) listed.push(b);
    expect(listed.map((b) => [b.id, b.results_url])).toEqual([[ANTHROPIC_BATCH_ID, retrieved.results_url]]);
    const cancelled = await creator.messages.batches.cancel(ANTHROPIC_BATCH_ID);
    expect(cancelled).toMatchObject({ id: ANTHROPIC_BATCH_ID, type: "message_batch", results_url: retrieved.results_url });
    expect(tg.fake.seen.filter((r) => r.url === "/v1/messages/batches" && r.method === "GET")).toHaveLength(1);
    expect(tg.fake.seen.filter((r) => r.url.endsWith("/cancel"))).toHaveLength(1);
    const reader = new Anthropic({
      apiKey: "sk-ant-test",
      baseURL: `${tg.url}/anthropic`,
      maxRetries: 0,
      defaultHeaders: { "x-tollgate-app": "reader" },
    });
    const readAll = async () => {
      const seen: string[] = [];
      for await (const line of await reader.messages.batches.results(ANTHROPIC_BATCH_ID)) seen.push(line.custom_id);
      return seen;
    };
    expect(await readAll()).toHaveLength(3);
    const calls = await eventually(async () => {
      const rows = await batchCalls("batch.messages");
      if (rows.length !== 3) throw new Error(`${rows.length} batch calls`);
      return rows;
    });
    // claude-sonnet-4.5 at half price: $1.50 in, $7.50 out per 1M
    const byId = Object.fromEntries(calls.map((c) => [c.upstreamRequestId ?? c.errorType, c]));
    expect(byId.msg_014VwiXbi91y3JMjcpyGBHX5).toMatchObject({
      app: "claims-batch",
      provider: "anthropic",
      serviceTier: "batch",
      inputTokens: 11,
      outputTokens: 36,
      costUsd: "0.0002865",
      priced: true,
    });
    expect(byId.msg_014VwiXbi91y3JMjcpyGBHX6).toMatchObject({ app: "claims-batch", costUsd: "0.00225" });
    expect(byId.invalid_request_error).toMatchObject({
      app: "claims-batch",
      outcome: "upstream_error",
      costUsd: "0.0",
      priced: true,
      errorMessage: "max_tokens: Field required",
    });

    const counted = async () => {
      expect(Number(await spent("claims-batch"))).toBe(0.0025365);
      expect(await scraped("claims-batch")).toEqual({ requests: 2, failed: 1, cost: expect.closeTo(0.0025365, 12), input: 1011 });
    };
    await eventually(counted);

    await readAll();
    await readsRecorded("/results", 2);
    await tg.tollgate.batches.idle();
    await tg.tollgate.recorder.flush();
    expect(await batchCalls("batch.messages")).toHaveLength(3);
    // every results read passed through Tollgate, none went to the provider's host directly
    expect(tg.fake.seen.filter((r) => r.url.endsWith("/results"))).toHaveLength(2);
    await counted();
  });

  it("batch result lines (latency 0, not measured) stay out of the latency rollups and reports", async () => {
    await tg.tollgate.recorder.flush();
    const calls = await tg.calls();
    const hour = 3_600_000;
    const from = new Date(Math.floor(Date.now() / hour) * hour - 2 * hour).toISOString();
    const to = new Date(Math.ceil(Date.now() / hour) * hour + hour).toISOString();
    for (const app of ["nightly-batch", "claims-batch"]) {
      const own = calls.filter((c) => c.app === app);
      const measured = own.filter((c) => !String(c.endpoint).startsWith("batch."));
      expect(own.length - measured.length).toBe(3); // the three result lines: counted as calls, not as latencies
      for (const source of ["raw", "rollups"] as const) {
        // by app: call_latency_* (level app) from the rollups; by model: call_rollups_*' histograms
        const byApp = await latencyReport(tg.tollgate.db.prisma, { from, to, groupBy: "app" }, { source });
        expect(byApp.groups.find((g) => g.key === app)?.calls, `${app} ${source} by app`).toBe(measured.length);
        const byModel = await latencyReport(tg.tollgate.db.prisma, { from, to, groupBy: "model", app }, { source });
        expect(byModel.totals.calls, `${app} ${source} by model`).toBe(measured.length);
        expect(byModel.slowest.map((c) => c.id).sort()).toEqual(measured.map((c) => c.id).sort());
      }
      // and the rollups' latency count (the average's divisor) leaves them out
      const rows = await tg.tollgate.db.prisma.$queryRaw<Array<{ calls: number; latency: number }>>`
        SELECT sum(calls)::int AS calls, sum(latency_count)::int AS latency FROM call_rollups_hourly WHERE app = ${app}`;
      expect(rows[0]).toEqual({ calls: own.length, latency: measured.length });
    }
  });
});

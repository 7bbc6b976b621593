import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../server/src/config.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import { startTollgate, type Tollgate } from "../../../server/src/server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";

// Two Tollgate processes' worth of state (servers, recorders, pools, partition upkeep) on ONE database,
// started at the same moment as a rolling deploy would: every call is recorded once, and the rollups
// written by both add up to exactly the calls.
let db: TestDatabase;
let fake: FakeOpenAi;
let instances: Tollgate[] = [];

function start(): Promise<Tollgate> {
  return startTollgate(
    loadConfig({
      DATABASE_URL: db.url,
      PORT: "0",
      TOLLGATE_LOG_LEVEL: "silent",
      TOLLGATE_RECORDER_FLUSH_MS: "10",
      TOLLGATE_TOKENIZER_PRELOAD: "false",
      TOLLGATE_UPSTREAM_OPENAI: fake.url,
      TOLLGATE_DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-scale-")),
    }),
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await startFakeOpenAi();
  instances = await Promise.all([start(), start()]);
});
afterAll(async () => {
  await Promise.all(instances.map((t) => t.close()));
  await fake?.close();
  await db?.drop();
});

async function chat(instance: Tollgate, i: number): Promise<string> {
  const stream = i % 3 === 0;
  const res = await fetch(`${instance.url}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-test", "x-tollgate-app": `app-${i % 4}` },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `call ${i}` }], stream }),
  });
  await res.text();
  expect(res.status).toBe(200);
  const id = res.headers.get("x-tollgate-call-id");
  expect(id).toBeTruthy();
  return id as string;
}

function requestsTotal(exposition: string): number {
  let sum = 0;
  for (const line of exposition.split("\n"))
    if (line.startsWith("tollgate_requests_total{")) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  return sum;
}

describe("two Tollgate instances sharing one database", () => {
  it("both start together (migrations, price seeding and partition upkeep do not race)", async () => {
    expect(instances).toHaveLength(2);
    expect(instances[0]?.url).not.toBe(instances[1]?.url);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'calls'::regclass`);
    expect(rows[0]?.n).toBe(4); // default + this month + MONTHS_AHEAD (2)
  });

  it("records every call through either instance exactly once, and the rollups equal the calls", async () => {
    const calls = 90;
    const ids: string[] = [];
    for (let batch = 0; batch < calls; batch += 15) {
      ids.push(...(await Promise.all(Array.from({ length: 15 }, (_, j) => chat(instances[(batch + j) % 2] as Tollgate, batch + j)))));
    }
    await Promise.all(instances.map((t) => t.recorder.flush()));

    const recorded = await db.pool.query<{ id: string }>(`SELECT id::text FROM calls ORDER BY id`);
    expect(recorded.rows.map((r) => r.id)).toEqual([...ids].sort());

    const fromCalls = await db.pool.query(
      `SELECT count(*)::int AS calls, sum(cost_usd)::text AS cost, sum(input_tokens)::int AS input, sum(output_tokens)::int AS output FROM calls`,
    );
    const fromRollups = await db.pool.query(
      `SELECT sum(calls)::int AS calls, sum(cost_usd)::text AS cost, sum(input_tokens)::int AS input, sum(output_tokens)::int AS output FROM call_rollups_hourly`,
    );
    expect(fromRollups.rows[0]).toEqual(fromCalls.rows[0]);
    // gpt-4o-mini with the fake's usage costs $0.00033 per call
    expect(fromCalls.rows[0]).toMatchObject({ calls, input: 1200 * calls, output: 300 * calls });
    expect(Number(fromCalls.rows[0].cost)).toBeCloseTo(0.00033 * calls, 12);

    const perApp = await db.pool.query<{ app: string; n: number }>(
      `SELECT app, sum(calls)::int AS n FROM call_rollups_hourly GROUP BY 1 ORDER BY 1`,
    );
    expect(perApp.rows).toEqual(
      [0, 1, 2, 3].map((k) => ({ app: `app-${k}`, n: Array.from({ length: calls }, (_, i) => i).filter((i) => i % 4 === k).length })),
    );

    // Each instance counts its own calls; Prometheus sums the two series.
    const scraped = await Promise.all(instances.map(async (t) => requestsTotal(await (await fetch(`${t.url}/metrics`)).text())));
    expect(scraped).toEqual([calls / 2, calls / 2]);
  });

  it("a batch replayed by the other instance (spool replay after a failover) adds neither calls nor rollups", async () => {
    const before = await db.pool.query(
      `SELECT (SELECT count(*) FROM calls)::int AS calls, (SELECT sum(calls) FROM call_rollups_hourly)::int AS rolled`,
    );
    const { rows } = await db.pool.query<{ id: string }>(`SELECT id::text FROM calls LIMIT 5`);
    const ids = rows.map((r) => r.id);
    // Rebuild the records as instance 0 wrote them and let instance 1's writer insert them again.
    const { rows: full } = await db.pool.query(`SELECT * FROM calls WHERE id = ANY($1::uuid[])`, [ids]);
    const records = full.map((r) => ({
      id: r.id,
      startedAt: r.started_at,
      provider: r.provider,
      endpoint: r.endpoint,
      model: r.model,
      responseModel: r.response_model,
      deployment: r.deployment,
      app: r.app,
      user: r.user,
      properties: r.properties,
      keyId: r.key_id,
      stream: r.stream,
      status: r.status,
      outcome: r.outcome,
      errorType: r.error_type,
      errorMessage: r.error_message,
      errorBody: r.error_body,
      upstreamRequestId: r.upstream_request_id,
      serviceTier: r.service_tier,
      inputTokens: r.input_tokens,
      cachedInputTokens: r.cached_input_tokens,
      cacheWriteTokens: r.cache_write_tokens,
      cacheWrite1hTokens: r.cache_write_1h_tokens,
      outputTokens: r.output_tokens,
      reasoningTokens: r.reasoning_tokens,
      usageSource: r.usage_source,
      costUsd: r.cost_usd,
      priceId: r.price_id,
      priced: r.priced,
      latencyMs: r.latency_ms,
      ttftMs: r.ttft_ms,
      overheadMs: r.overhead_ms,
      requestBytes: r.request_bytes,
      responseBytes: r.response_bytes,
      requestBody: r.request_body,
      responseBody: r.response_body,
    }));
    expect(records).toHaveLength(5);
    expect(await insertCalls((instances[1] as Tollgate).db.pool, records)).toBe(0);
    const after = await db.pool.query(
      `SELECT (SELECT count(*) FROM calls)::int AS calls, (SELECT sum(calls) FROM call_rollups_hourly)::int AS rolled`,
    );
    expect(after.rows[0]).toEqual(before.rows[0]);
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { freePort } from "../reliability/private-postgres.ts";
import { spawnTollgate, type TollgateProcess } from "../reliability/process.ts";
import { eventually } from "../../support/tollgate.ts";
import { engines, startHaproxy, type Haproxy } from "./real-engines.ts";

// Three Tollgate processes (the bundle `npm start` runs) behind HAProxy with deploy/haproxy.cfg, sharing one
// database: the official SDK through the balancer, one instance restarted mid-traffic as a rolling deploy does.
const CAP_USD = "0.005";
let db: TestDatabase;
let fake: FakeOpenAi;
let haproxy: Haproxy | undefined;
let balancerUrl = "";
const ports: number[] = [];
const instances: TollgateProcess[] = [];
let configFile = "";

function startInstance(i: number): Promise<TollgateProcess> {
  return spawnTollgate({
    DATABASE_URL: db.url,
    PORT: String(ports[i]),
    TOLLGATE_LOG_LEVEL: "info",
    TOLLGATE_RECORDER_FLUSH_MS: "20",
    TOLLGATE_UPSTREAM_OPENAI: fake.url,
    TOLLGATE_DATA_DIR: mkdtempSync(join(tmpdir(), `tollgate-balanced-${i}-`)),
    // longer than HAProxy's check interval (200 ms) × its fall count (1): the balancer lets go first
    TOLLGATE_SHUTDOWN_DELAY_MS: "1000",
    TOLLGATE_CONFIG: configFile,
  });
}

beforeAll(async () => {
  if (!engines.haproxy) return;
  db = await createTestDatabase();
  fake = await startFakeOpenAi();
  const dir = mkdtempSync(join(tmpdir(), "tollgate-balanced-config-"));
  configFile = join(dir, "tollgate.json");
  writeFileSync(configFile, JSON.stringify({ budgets: [{ app: "capped", monthlyUsd: CAP_USD, action: "block" }] }));
  for (let i = 0; i < 3; i++) ports.push(await freePort());
  // One after another: start-up seeds prices (instances may start together, as tested elsewhere; here the
  // point is the traffic).
  for (let i = 0; i < 3; i++) instances.push(await startInstance(i));
  const port = await freePort();
  haproxy = await startHaproxy(port, await freePort(), ports);
  balancerUrl = `http://127.0.0.1:${port}`;
  await allUp();
}, 120_000);

afterAll(async () => {
  await haproxy?.stop();
  for (const instance of instances) instance.kill();
  await fake?.close();
  await db?.drop();
});

/** waits until HAProxy's health checks have all three instances in the pool */
async function allUp(): Promise<void> {
  await eventually(async () =>
    expect(await haproxy?.serverStatus()).toEqual({ "tollgate-1": "UP", "tollgate-2": "UP", "tollgate-3": "UP" }),
  );
}

const client = () =>
  new OpenAI({ apiKey: "sk-test", baseURL: `${balancerUrl}/openai/v1`, maxRetries: 0, defaultHeaders: { "x-tollgate-app": "balanced" } });

/** One call through the balancer; the call id Tollgate answered with, or the error. */
async function call(openai: OpenAI, i: number, app = "balanced"): Promise<{ id: string | null; status: number }> {
  const headers = { "x-tollgate-app": app };
  // The fake reports 1,200 input tokens: a prompt of about that size makes the budget's reservation (estimated
  // input + max_tokens) at least the call's real cost, as it is for real traffic.
  const content = app === "capped" ? `call ${i} ${"word ".repeat(1_300)}` : `call ${i}`;
  const body = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content }], max_tokens: 300 };
  try {
    if (i % 3 === 0) {
      const { data: stream, response } = await openai.chat.completions.create({ ...body, stream: true }, { headers }).withResponse();
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
      expect(text).toBe("Hello, world!");
      return { id: response.headers.get("x-tollgate-call-id"), status: response.status };
    }
    const { data, response } = await openai.chat.completions.create(body, { headers }).withResponse();
    expect(data.usage?.prompt_tokens).toBe(1200);
    return { id: response.headers.get("x-tollgate-call-id"), status: response.status };
  } catch (err) {
    if (err instanceof OpenAI.APIError && typeof err.status === "number")
      return { id: err.headers?.get("x-tollgate-call-id") ?? null, status: err.status };
    throw err;
  }
}

async function drive(
  total: number,
  concurrency: number,
  onAnswered?: (n: number) => Promise<void> | void,
): Promise<Array<{ id: string | null; status: number }>> {
  const openai = client();
  const results: Array<{ id: string | null; status: number }> = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        results.push(await call(openai, i));
        await onAnswered?.(results.length);
      }
    }),
  );
  return results;
}

function sumRequests(exposition: string, app: string): number {
  let sum = 0;
  for (const line of exposition.split("\n")) {
    if (line.startsWith("tollgate_requests_total{") && line.includes(`app="${app}"`)) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

async function recordedIds(app: string): Promise<Map<string, number>> {
  const { rows } = await db.pool.query<{ id: string; n: number }>(
    `SELECT id::text, count(*)::int AS n FROM calls WHERE app = $1 GROUP BY id`,
    [app],
  );
  return new Map(rows.map((r) => [r.id, r.n]));
}

describe.skipIf(!engines.haproxy)("three instances behind HAProxy", () => {
  it(
    "spreads SDK traffic (JSON and streams) over all three, and the instances' /metrics sum to the database",
    { timeout: 120_000 },
    async () => {
      const results = await drive(90, 9);
      expect(results.filter((r) => r.status !== 200 || !r.id)).toEqual([]);
      const recorded = await expect
        .poll(async () => (await recordedIds("balanced")).size)
        .toBe(90)
        .then(() => recordedIds("balanced"));
      expect([...recorded.values()].every((n) => n === 1)).toBe(true);
      const perInstance = await Promise.all(
        instances.map(async (t) => sumRequests(await (await fetch(`${t.url}/metrics`)).text(), "balanced")),
      );
      expect(perInstance.every((n) => n > 0)).toBe(true); // leastconn used all three
      expect(perInstance.reduce((a, b) => a + b, 0)).toBe(90); // sum by (app) over instances = SQL over calls
    },
  );

  it(
    "records every answered call exactly once while one instance is restarted mid-traffic (SIGTERM with a shutdown delay)",
    { timeout: 180_000 },
    async () => {
      let restarted: Promise<void> | undefined;
      const results = await drive(240, 12, (answered) => {
        if (answered !== 60 || restarted) return;
        const victim = instances[1] as TollgateProcess;
        victim.signal("SIGTERM");
        restarted = victim.exited.then(async ({ code }) => {
          expect(code).toBe(0);
          instances[1] = await startInstance(1);
        });
      });
      await restarted;
      const answered = results.filter((r) => r.status === 200);
      // The balancer took the draining instance out before it stopped accepting: no call was refused or cut.
      expect(results.filter((r) => r.status !== 200)).toEqual([]);
      const ids = new Set(answered.map((r) => r.id as string));
      expect(ids.size).toBe(240);
      await expect.poll(async () => (await recordedIds("balanced")).size).toBe(90 + 240);
      const recorded = await recordedIds("balanced");
      for (const id of ids) expect(recorded.get(id)).toBe(1);
      // the restarted instance is back in the pool and serves
      await allUp();
      await drive(30, 6);
      expect(sumRequests(await (await fetch(`${(instances[1] as TollgateProcess).url}/metrics`)).text(), "balanced")).toBeGreaterThan(0);
    },
  );

  it("holds a budget across the three instances: concurrent calls never spend past the limit", { timeout: 120_000 }, async () => {
    const openai = client();
    const results = await Promise.all(Array.from({ length: 45 }, (_, i) => call(openai, i * 3 + 1, "capped")));
    const ok = results.filter((r) => r.status === 200).length;
    expect(ok).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 429).length).toBe(45 - ok);
    await expect.poll(async () => (await recordedIds("capped")).size).toBe(45);
    const { rows } = await db.pool.query<{ spent: string; ok: number }>(
      `SELECT coalesce(sum(cost_usd), 0)::text AS spent, count(*) FILTER (WHERE status = 200)::int AS ok FROM calls WHERE app = 'capped'`,
    );
    expect(rows[0]?.ok).toBe(ok);
    expect(Number(rows[0]?.spent)).toBeLessThanOrEqual(Number(CAP_USD));
    expect(Number(rows[0]?.spent)).toBeGreaterThan(0);
  });
});

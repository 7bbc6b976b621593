import { mkdtempSync, readdirSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { eventually } from "../../support/tollgate.ts";
import { startPrivatePostgres, type PrivatePostgres } from "./private-postgres.ts";
import { spawnTollgate, type TollgateProcess } from "./process.ts";
import { KINDS, startTraffic } from "./traffic.ts";

let postgres: PrivatePostgres;
let fake: FakeOpenAi;
const running: TollgateProcess[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const temp = (name: string) => mkdtempSync(join(tmpdir(), `tollgate-${name}-`));

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  fake = await startFakeOpenAi();
}, 120_000);
afterEach(() => {
  for (const p of running.splice(0)) p.kill();
});
afterAll(async () => {
  await fake?.close();
  await postgres?.destroy();
});

async function start(env: Record<string, string>): Promise<TollgateProcess> {
  const p = await spawnTollgate({
    TOLLGATE_UPSTREAM_OPENAI: fake.url,
    TOLLGATE_RECORDER_FLUSH_MS: "50",
    TOLLGATE_SHUTDOWN_GRACE_MS: "5000",
    ...env,
  });
  running.push(p);
  return p;
}

async function rowsIn(url: string, ids: string[]): Promise<{ found: number; total: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query<{ n: string }>("SELECT count(*) AS n FROM calls WHERE id = ANY($1::uuid[])", [ids]);
    const total = await client.query<{ n: string }>("SELECT count(*) AS n FROM calls");
    return { found: Number(found.rows[0]!.n), total: Number(total.rows[0]!.n) };
  } finally {
    await client.end();
  }
}

async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return postgres.url.replace(/\/postgres$/, `/${name}`);
}

describe("SIGTERM during a burst", () => {
  it("lets calls in flight finish, flushes every record to Postgres and exits 0", { timeout: 90_000 }, async () => {
    const url = await freshDatabase("sigterm_flush");
    const tg = await start({ DATABASE_URL: url, TOLLGATE_SPOOL_DIR: temp("spool") });
    // slow streams (≈400 ms each) in the mix, so that the signal finds some halfway through their body
    const traffic = startTraffic(() => tg.url, { concurrency: 12, kinds: [...KINDS, "slow-stream", "slow-stream", "slow-stream"] });
    await eventually(async () => {
      expect(traffic.stats.ids.length).toBeGreaterThanOrEqual(30);
      expect(traffic.stats.reading.size).toBeGreaterThan(0);
    }, 30_000);
    const midway = [...traffic.stats.reading];
    tg.signal("SIGTERM");
    const exit = await tg.exited;
    const stats = await traffic.stop();
    expect(exit, tg.output()).toEqual({ code: 0, signal: null });
    // The calls in flight were answered to the end, not cut. (A request that was still on its way when the
    // signal came may find the connection closed — the keep-alive race every HTTP server has — so what is
    // checked is the calls the server had begun to answer, and that nothing answered broke off.)
    expect(midway.filter((id) => !stats.whole.has(id))).toEqual([]);
    expect(stats.broken).toEqual([]);
    // every answered call is in Postgres, once; nothing else is
    expect(await rowsIn(url, stats.ids)).toEqual({ found: stats.ids.length, total: stats.ids.length });
    expect(tg.logs.some((l) => l.msg === "Tollgate stopped")).toBe(true);
  });

  it(
    "a call answered during the drain closes its keep-alive connection, so the client's next request does not race the close",
    { timeout: 90_000 },
    async () => {
      const url = await freshDatabase("sigterm_connection_close");
      const tg = await start({ DATABASE_URL: url, TOLLGATE_SPOOL_DIR: temp("spool") });
      const agent = new http.Agent({ keepAlive: true });
      const post = (model: string) =>
        new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
          const req = http.request(
            `${tg.url}/openai/v1/chat/completions`,
            { method: "POST", agent, headers: { "content-type": "application/json", authorization: "Bearer sk-test" } },
            (res) => {
              let body = "";
              res.setEncoding("utf8");
              res.on("data", (c: string) => (body += c));
              res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
            },
          );
          req.on("error", reject);
          req.end(JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }));
        });
      try {
        // before the signal, answers keep the connection open
        expect((await post("gpt-4o-mini")).connection).toBe("keep-alive");
        const late = post("gpt-4o-mini-late"); // upstream answers a second after it has the request
        // The signal comes once the call is in flight (the fake provider has it), not after a guessed delay:
        // a request still on its way at the signal is the keep-alive race the drain cannot help.
        await eventually(async () => expect(fake.seen.some((r) => r.body.includes('"gpt-4o-mini-late"'))).toBe(true), 30_000);
        tg.signal("SIGTERM");
        const answer = await late;
        expect(answer.status).toBe(200);
        expect(answer.connection).toBe("close");
        expect(JSON.parse(answer.body)).toMatchObject({ object: "chat.completion" });
        expect((await tg.exited).code).toBe(0);
      } finally {
        agent.destroy();
      }
    },
  );

  it("with Postgres down: records go to the spool on shutdown and are replayed after the restart", { timeout: 90_000 }, async () => {
    const url = await freshDatabase("sigterm_spool");
    const spool = temp("spool");
    const tg = await start({ DATABASE_URL: url, TOLLGATE_SPOOL_DIR: spool });
    const traffic = startTraffic(() => tg.url, { concurrency: 8 });
    await sleep(500);
    await postgres.stop();
    // the outage itself must not take the process down (it once did: an uncaught pg client error)
    const diedDuringOutage = await Promise.race([tg.exited, sleep(1_500).then(() => null)]);
    expect(diedDuringOutage, tg.output()).toBeNull();
    tg.signal("SIGTERM");
    const exit = await tg.exited;
    const stats = await traffic.stop();
    expect(exit, tg.output()).toEqual({ code: 0, signal: null });
    expect(readdirSync(spool).some((n) => n.endsWith(".jsonl"))).toBe(true);

    await postgres.start();
    const again = await start({ DATABASE_URL: url, TOLLGATE_SPOOL_DIR: spool });
    await eventually(
      async () => expect(await rowsIn(url, stats.ids)).toEqual({ found: stats.ids.length, total: stats.ids.length }),
      20_000,
    );
    await eventually(async () => expect(readdirSync(spool).filter((n) => n.endsWith(".jsonl"))).toEqual([]), 5_000);
    again.signal("SIGTERM");
    expect((await again.exited).code).toBe(0);
  });

  it("with the embedded Postgres (no DATABASE_URL): exits 0 and the calls are there after a restart", { timeout: 120_000 }, async () => {
    const dataDir = temp("data");
    const tg = await start({ TOLLGATE_DATA_DIR: dataDir });
    const traffic = startTraffic(() => tg.url, { concurrency: 8 });
    await eventually(async () => expect(traffic.stats.ids.length).toBeGreaterThanOrEqual(20), 30_000);
    tg.signal("SIGTERM");
    const exit = await tg.exited;
    const stats = await traffic.stop();
    expect(exit, tg.output()).toEqual({ code: 0, signal: null });

    const again = await start({ TOLLGATE_DATA_DIR: dataDir });
    // (anything spooled is replayed in the background after start-up, hence `eventually`)
    await eventually(async () => {
      const missing: string[] = [];
      for (const id of stats.ids) {
        const res = await fetch(`${again.url}/api/calls/${id}`);
        if (res.status !== 200) missing.push(`${id} → ${res.status} ${(await res.text()).slice(0, 200)}`);
      }
      expect(missing).toEqual([]);
    }, 20_000);
    again.signal("SIGINT");
    expect((await again.exited).code).toBe(0);
  });
});

describe("the bundle npm start runs", () => {
  it(
    "estimates a call without usage in its bundled worker (a wrong worker path would record it without usage)",
    { timeout: 90_000 },
    async () => {
      const url = await freshDatabase("bundle_estimate");
      const tg = await start({ DATABASE_URL: url, TOLLGATE_SPOOL_DIR: temp("spool") });
      const res = await fetch(`${tg.url}/openai/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
        body: JSON.stringify({
          model: "gpt-4o-mini-nousage",
          stream: true,
          messages: [{ role: "user", content: "Count the tokens of this sentence, please." }],
        }),
      });
      expect(res.status).toBe(200);
      await res.text();
      const id = res.headers.get("x-tollgate-call-id") ?? "";
      await eventually(async () => {
        const call = await fetch(`${tg.url}/api/calls/${id}`);
        expect(call.status).toBe(200);
        const body = (await call.json()) as { usageSource: string; inputTokens: number; outputTokens: number };
        expect(body.usageSource).toBe("estimated");
        expect(body.inputTokens).toBeGreaterThan(5);
        expect(body.outputTokens).toBeGreaterThan(0);
      }, 30_000);
      tg.signal("SIGTERM");
      expect((await tg.exited).code).toBe(0);
    },
  );
});

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { eventually } from "../../support/tollgate.ts";
import { startPrivatePostgres, type PrivatePostgres } from "./private-postgres.ts";
import { spawnTollgate, type TollgateProcess } from "./process.ts";

let postgres: PrivatePostgres;
let fake: FakeOpenAi;
const running: TollgateProcess[] = [];
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
  // The recorder's defaults (a batch every 200 ms): what a crash used to lose is what was still queued.
  const p = await spawnTollgate({ TOLLGATE_UPSTREAM_OPENAI: fake.url, ...env });
  running.push(p);
  return p;
}

async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return postgres.url.replace(/\/postgres$/, `/${name}`);
}

async function recorded(url: string, ids: string[]): Promise<{ found: number; rolledUp: number; total: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM calls WHERE id = ANY($1::uuid[])", [ids]);
    const total = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM calls");
    const rollups = await client.query<{ n: number | null }>("SELECT sum(calls)::int AS n FROM call_rollups_hourly");
    return { found: found.rows[0]!.n, total: total.rows[0]!.n, rolledUp: rollups.rows[0]!.n ?? 0 };
  } finally {
    await client.end();
  }
}

const messages = [{ role: "user", content: "Summarise the plot of Moby Dick in one line." }];
const REQUESTS = [
  { path: "/openai/v1/chat/completions", body: { model: "gpt-4o-mini", messages } },
  { path: "/openai/v1/chat/completions", body: { model: "gpt-4o-mini", stream: true, messages } },
  { path: "/openai/v1/chat/completions", body: { model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages } },
  { path: "/openai/v1/embeddings", body: { model: "text-embedding-3-small", input: ["alpha", "beta"] } },
  { path: "/openai/v1/chat/completions", body: { model: "gpt-4o-mini-429", messages } },
  { path: "/openai/v1/chat/completions", body: { model: "gpt-4o-mini-nousage", stream: true, messages } },
];

/**
 * Clients in a loop; the moment the `killAfter`-th answer has arrived whole, the process is SIGKILLed (in the
 * same turn as that answer's last byte). Returns the ids of the calls answered whole.
 */
async function burstThenKill(tg: TollgateProcess, killAfter: number): Promise<string[]> {
  const answered: string[] = [];
  let killed = false;
  let next = 0;
  const worker = async () => {
    while (!killed) {
      const { path, body } = REQUESTS[next++ % REQUESTS.length]!;
      try {
        const res = await fetch(tg.url + path, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
          body: JSON.stringify(body),
        });
        const id = res.headers.get("x-tollgate-call-id");
        await res.arrayBuffer();
        if (killed || !id) continue;
        answered.push(id);
        if (answered.length >= killAfter) {
          killed = true;
          process.kill(tg.pid, "SIGKILL");
        }
      } catch {
        // requests cut by the kill: not answered
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  expect((await tg.exited).signal).toBe("SIGKILL");
  return answered;
}

describe("kill -9 right after the last answer", () => {
  it("loses no answered call: every one is recorded exactly once after the restart", { timeout: 120_000 }, async () => {
    const url = await freshDatabase("crash_kill9");
    const spool = temp("crash-spool");
    const answered = await burstThenKill(await start({ DATABASE_URL: url, TOLLGATE_SPOOL_DIR: spool }), 400);
    const again = await start({ DATABASE_URL: url, TOLLGATE_SPOOL_DIR: spool });
    await eventually(async () => {
      const r = await recorded(url, answered);
      expect(r.found).toBe(answered.length);
      // nothing twice, in the calls table nor in the rollups the reports read
      expect(r.rolledUp).toBe(r.total);
    }, 20_000);
    again.signal("SIGTERM");
    expect((await again.exited).code).toBe(0);
  });

  it("during a Postgres outage too", { timeout: 120_000 }, async () => {
    const url = await freshDatabase("crash_kill9_outage");
    const spool = temp("crash-outage-spool");
    const tg = await start({ DATABASE_URL: url, TOLLGATE_SPOOL_DIR: spool });
    await postgres.stop();
    let answered: string[];
    try {
      answered = await burstThenKill(tg, 300);
    } finally {
      await postgres.start();
    }
    const again = await start({ DATABASE_URL: url, TOLLGATE_SPOOL_DIR: spool });
    await eventually(async () => {
      const r = await recorded(url, answered);
      expect(r.found).toBe(answered.length);
      expect(r.rolledUp).toBe(r.total);
    }, 20_000);
    again.signal("SIGTERM");
    expect((await again.exited).code).toBe(0);
  });
});

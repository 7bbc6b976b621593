import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../server/src/config.ts";
import { startTollgate, type Tollgate } from "../../../server/src/server.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { eventually } from "../../support/tollgate.ts";
import { startPrivatePostgres, type PrivatePostgres } from "./private-postgres.ts";

let postgres: PrivatePostgres;
let fake: FakeOpenAi;
let tollgate: Tollgate;

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  fake = await startFakeOpenAi();
  tollgate = await startTollgate(
    loadConfig({
      DATABASE_URL: postgres.url,
      PORT: "0",
      TOLLGATE_LOG_LEVEL: "silent",
      TOLLGATE_UPSTREAM_OPENAI: fake.url,
      TOLLGATE_SPOOL_DIR: mkdtempSync(join(tmpdir(), "tollgate-idle-replay-")),
      TOLLGATE_RECORDER_FLUSH_MS: "20",
      TOLLGATE_TOKENIZER_PRELOAD: "false",
    }),
  );
}, 120_000);
afterAll(async () => {
  await tollgate?.close();
  await fake?.close();
  await postgres?.destroy();
});

async function countCalls(): Promise<number> {
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM calls");
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

async function chat(): Promise<string> {
  const res = await fetch(`${tollgate.url}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
  });
  await res.text();
  expect(res.status).toBe(200);
  return res.headers.get("x-tollgate-call-id")!;
}

describe("spool replay without traffic", () => {
  it("brings spooled calls into Postgres within 2 s of it accepting connections again, with no new call", async () => {
    await chat();
    await eventually(async () => expect(await countCalls()).toBe(1));

    await postgres.stop();
    for (let i = 0; i < 30; i++) await chat();
    // Everything answered during the outage waits in the spool (several failed replay passes included).
    await eventually(async () => expect(tollgate.spool.records()).toBe(30));
    await new Promise((r) => setTimeout(r, 2_500));

    await postgres.start();
    const back = performance.now();
    // No request from here on: the replayer must find Postgres on its own.
    await eventually(async () => expect(await countCalls()).toBe(31), 10_000);
    const ms = performance.now() - back;
    expect(ms).toBeLessThan(2_000);
    // (the segment is deleted once its rows are committed)
    await eventually(async () => expect(tollgate.spool.records()).toBe(0));
  });
});

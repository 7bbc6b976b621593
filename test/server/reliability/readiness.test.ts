import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../server/src/config.ts";
import type { ReadinessJson } from "../../../server/src/readiness.ts";
import { startTollgate, type Tollgate } from "../../../server/src/server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { eventually } from "../../support/tollgate.ts";
import { startPrivatePostgres, type PrivatePostgres } from "./private-postgres.ts";

let postgres: PrivatePostgres;
let fake: FakeOpenAi;
const temp = (name: string) => mkdtempSync(join(tmpdir(), `tollgate-${name}-`));

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  fake = await startFakeOpenAi();
}, 120_000);
afterAll(async () => {
  await fake?.close();
  await postgres?.destroy();
});

function config(env: Record<string, string>) {
  return loadConfig({
    PORT: "0",
    TOLLGATE_LOG_LEVEL: "silent",
    TOLLGATE_UPSTREAM_OPENAI: fake.url,
    TOLLGATE_RECORDER_FLUSH_MS: "10",
    TOLLGATE_TOKENIZER_PRELOAD: "false",
    TOLLGATE_DATA_DIR: temp("data"),
    ...env,
  });
}

async function readyz(url: string): Promise<{ status: number; body: ReadinessJson }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as ReadinessJson };
}

async function chat(url: string): Promise<Response> {
  const res = await fetch(`${url}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer sk-test-readiness-000000000", "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
  });
  await res.arrayBuffer();
  return res;
}

describe("/readyz while Postgres is down", () => {
  let tollgate: Tollgate;
  afterAll(async () => {
    await postgres.start();
    await tollgate?.close();
  });

  it(
    "stays ready (database down in the body) while the spool takes the records; 503 only once the spool is full too",
    { timeout: 90_000 },
    async () => {
      // A spool of a few records, so the test can also fill it.
      tollgate = await startTollgate(
        config({ DATABASE_URL: postgres.url, TOLLGATE_SPOOL_DIR: temp("spool"), TOLLGATE_SPOOL_MAX_BYTES: "6000" }),
      );
      expect(await readyz(tollgate.url)).toEqual({
        status: 200,
        body: { status: "ready", database: "up", spool: "ok", spooledRecords: 0 },
      });

      await postgres.stop();
      // The proxy keeps serving, so the replica stays in rotation: a load balancer must not pull it.
      expect((await chat(tollgate.url)).status).toBe(200);
      await eventually(async () => expect(tollgate.spool.records()).toBeGreaterThan(0), 10_000);
      const down = await readyz(tollgate.url);
      expect(down.status).toBe(200);
      expect(down.body).toMatchObject({ status: "ready", database: "down", spool: "ok" });
      expect(down.body.spooledRecords).toBeGreaterThan(0);
      expect((await fetch(`${tollgate.url}/healthz`)).status).toBe(200);

      // Once the spool refuses records too, calls served here would be lost to metering: not ready.
      const notReady = await eventually(async () => {
        expect((await chat(tollgate.url)).status).toBe(200);
        await tollgate.recorder.flush();
        const r = await readyz(tollgate.url);
        expect(r.status).toBe(503);
        return r;
      }, 30_000);
      expect(notReady.body).toMatchObject({ status: "not_ready", database: "down", spool: "full" });
      expect(notReady.body.reason).toMatch(/spool is full/);

      // Postgres returns: the spool is replayed and the replica is ready with the database up again.
      await postgres.start();
      await eventually(async () => {
        await tollgate.replayer.replayNow();
        expect(await readyz(tollgate.url)).toEqual({
          status: 200,
          body: { status: "ready", database: "up", spool: "ok", spooledRecords: 0 },
        });
      }, 30_000);
    },
  );
});

describe("/readyz during shutdown", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it(
    "answers 503 draining from the start of shutdown, while calls are still served for TOLLGATE_SHUTDOWN_DELAY_MS",
    { timeout: 30_000 },
    async () => {
      const tollgate = await startTollgate(config({ DATABASE_URL: db.url, TOLLGATE_SHUTDOWN_DELAY_MS: "5000" }));
      expect((await readyz(tollgate.url)).status).toBe(200);
      const started = Date.now();
      const closed = tollgate.close();

      const draining = await readyz(tollgate.url);
      expect(draining.status).toBe(503);
      expect(draining.body).toMatchObject({ status: "draining", database: "up" });
      // The balancer has not let go yet: a call that still arrives is served (and its connection closed).
      const call = await chat(tollgate.url);
      expect(call.status).toBe(200);
      expect(call.headers.get("connection")).toBe("close");
      expect((await fetch(`${tollgate.url}/healthz`)).status).toBe(200);

      await closed;
      expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
      await expect(fetch(`${tollgate.url}/readyz`)).rejects.toThrow();
    },
  );
});

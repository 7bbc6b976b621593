import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../server/src/config.ts";
import { startTollgate, type Tollgate } from "../../../server/src/server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { freePort } from "../reliability/private-postgres.ts";
import { engines, startPgbouncer, type Engine } from "./real-engines.ts";

// Three instances whose every connection goes through PgBouncer in transaction mode (deploy/pgbouncer.ini),
// with only 4 server connections for all of them, so consecutive statements of one client routinely land
// on different server connections: anything that relied on session state would break here.
const ADMIN = "admin-token-for-pgbouncer-tests-0123456789";
let db: TestDatabase;
let fake: FakeOpenAi;
let bouncer: Engine | undefined;
let pooledUrl = "";
const instances: Tollgate[] = [];

function start(env: Record<string, string> = {}): Promise<Tollgate> {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-pgbouncer-config-"));
  const configFile = join(dir, "tollgate.json");
  writeFileSync(configFile, JSON.stringify({ budgets: [{ app: "pooled-capped", monthlyUsd: "0.004", action: "block" }] }));
  return startTollgate(
    loadConfig({
      DATABASE_URL: pooledUrl,
      TOLLGATE_MIGRATION_DATABASE_URL: db.url,
      PORT: "0",
      TOLLGATE_LOG_LEVEL: "silent",
      TOLLGATE_RECORDER_FLUSH_MS: "10",
      TOLLGATE_TOKENIZER_PRELOAD: "false",
      TOLLGATE_UPSTREAM_OPENAI: fake.url,
      TOLLGATE_ADMIN_TOKEN: ADMIN,
      OPENAI_API_KEY: "sk-held-by-tollgate",
      TOLLGATE_CONFIG: configFile,
      TOLLGATE_DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-pgbouncer-")),
      ...env,
    }),
  );
}

beforeAll(async () => {
  if (!engines.pgbouncer) return;
  db = await createTestDatabase();
  fake = await startFakeOpenAi();
  const port = await freePort();
  const url = new URL(db.url);
  bouncer = await startPgbouncer(
    port,
    {
      host: url.hostname,
      port: Number(url.port || 5432),
      database: db.name,
      user: decodeURIComponent(url.username) || "postgres",
      password: decodeURIComponent(url.password),
    },
    4,
  );
  pooledUrl = `postgresql://postgres@127.0.0.1:${port}/${db.name}`;
  // all three at the same moment, as a rolling deploy may: migrations (through the direct URL), price seeding
  // and partition upkeep (transaction-scoped locks, through PgBouncer) must not race
  instances.push(...(await Promise.all([start(), start(), start()])));
}, 120_000);

afterAll(async () => {
  for (const t of instances) await t.close();
  await bouncer?.stop();
  await fake?.close();
  await db?.drop();
});

function admin(t: Tollgate, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${t.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json", ...(init.headers as Record<string, string>) },
  });
}

describe.skipIf(!engines.pgbouncer)("instances behind PgBouncer in transaction mode", () => {
  it("record every call once under concurrent load, with rollups equal to the calls", { timeout: 120_000 }, async () => {
    const ids = await Promise.all(
      Array.from({ length: 150 }, async (_, i) => {
        const t = instances[i % 3] as Tollgate;
        const res = await fetch(`${t.url}/openai/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer sk-test", "x-tollgate-app": `pooled-${i % 5}` },
          body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `call ${i}` }], stream: i % 4 === 0 }),
        });
        await res.text();
        expect(res.status).toBe(200);
        return res.headers.get("x-tollgate-call-id") as string;
      }),
    );
    await Promise.all(instances.map((t) => t.recorder.flush()));
    const { rows } = await db.pool.query<{ id: string; n: number }>(
      `SELECT id::text, count(*)::int AS n FROM calls WHERE app LIKE 'pooled-%' GROUP BY id`,
    );
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const sums = await db.pool.query(
      `SELECT (SELECT count(*) FROM calls WHERE app LIKE 'pooled-%')::int AS calls,
              (SELECT sum(calls) FROM call_rollups_hourly WHERE app LIKE 'pooled-%')::int AS hourly,
              (SELECT sum(calls) FROM call_rollups_daily WHERE app LIKE 'pooled-%')::int AS daily`,
    );
    expect(sums.rows[0]).toEqual({ calls: 150, hourly: 150, daily: 150 });
  });

  it(
    "serve the admin API through Prisma and pg (keys, prices, reports) and enforce a budget across instances",
    { timeout: 120_000 },
    async () => {
      const [a, b, c] = instances as [Tollgate, Tollgate, Tollgate];
      const created = await admin(a, "/api/keys", { method: "POST", body: JSON.stringify({ app: "pooled-capped", provider: "openai" }) });
      expect(created.status).toBe(201);
      const { key } = (await created.json()) as { key: string };
      expect((await (await admin(b, "/api/keys")).json()) as { keys: unknown[] }).toMatchObject({
        keys: [expect.objectContaining({ app: "pooled-capped" })],
      });
      expect((await admin(c, "/api/prices?provider=openai")).status).toBe(200);
      expect((await admin(c, "/api/spend?groupBy=app&interval=day")).status).toBe(200);
      // the key reaches the other instances at their next access refresh (default 10 s)
      await Promise.all(instances.flatMap((t) => [t.access.keys.refresh(), t.access.budgets.refresh()]));

      const results = await Promise.all(
        Array.from({ length: 36 }, async (_, i) => {
          const openai = new OpenAI({ apiKey: key, baseURL: `${(instances[i % 3] as Tollgate).url}/openai/v1`, maxRetries: 0 });
          try {
            // about 1,200 input tokens of text, so the reservation covers the fake's reported usage
            await openai.chat.completions.create({
              model: "gpt-4o-mini",
              max_tokens: 300,
              messages: [{ role: "user", content: `n${i} ${"word ".repeat(1_300)}` }],
            });
            return 200;
          } catch (err) {
            return (err as { status?: number }).status ?? 0;
          }
        }),
      );
      const ok = results.filter((s) => s === 200).length;
      expect(ok).toBeGreaterThan(0);
      expect(results.filter((s) => s !== 200 && s !== 429)).toEqual([]);
      await Promise.all(instances.map((t) => t.recorder.flush()));
      const spent = await db.pool.query<{ spent: string }>(
        `SELECT coalesce(sum(cost_usd), 0)::text AS spent FROM calls WHERE app = 'pooled-capped'`,
      );
      expect(Number(spent.rows[0]?.spent)).toBeGreaterThan(0);
      expect(Number(spent.rows[0]?.spent)).toBeLessThanOrEqual(0.004);
    },
  );

  it(
    "leave no migration lock behind (it is taken and released on one direct connection), so the next deploy migrates",
    { timeout: 60_000 },
    async () => {
      // Through the pooler, pg_advisory_unlock runs on another server connection than the lock: it returns
      // false and the lock stays held by a pooled connection, blocking every later start-up's migrations.
      const held = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 72657374 AND granted`,
      );
      expect(held.rows[0]?.n).toBe(0);
      const fourth = await start();
      instances.push(fourth);
      expect((await fetch(`${fourth.url}/readyz`)).status).toBe(200);
    },
  );
});

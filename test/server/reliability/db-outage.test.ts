import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../server/src/config.ts";
import { startTollgate, type Tollgate } from "../../../server/src/server.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { parsePromText } from "../../support/prom-text.ts";
import { eventually } from "../../support/tollgate.ts";
import { startPrivatePostgres, type PrivatePostgres } from "./private-postgres.ts";
import { startTraffic } from "./traffic.ts";

let postgres: PrivatePostgres;
let fake: FakeOpenAi;
let tollgate: Tollgate;
const spoolDir = mkdtempSync(join(tmpdir(), "tollgate-outage-spool-"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  fake = await startFakeOpenAi();
  tollgate = await startTollgate(
    loadConfig({
      DATABASE_URL: postgres.url,
      PORT: "0",
      TOLLGATE_LOG_LEVEL: "silent",
      TOLLGATE_UPSTREAM_OPENAI: fake.url,
      TOLLGATE_SPOOL_DIR: spoolDir,
      TOLLGATE_RECORDER_FLUSH_MS: "20",
      TOLLGATE_RECORDER_BATCH_SIZE: "50",
      TOLLGATE_TOKENIZER_PRELOAD: "false",
    }),
  );
}, 120_000);
afterAll(async () => {
  await tollgate?.close();
  await fake?.close();
  await postgres?.destroy();
});

async function recordedIds(): Promise<{ ids: string[]; duplicates: number; rolledUp: number }> {
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>("SELECT id::text FROM calls");
    const rollups = await client.query<{ n: string | null }>("SELECT sum(calls)::text AS n FROM call_rollups_hourly");
    const ids = rows.map((r) => r.id);
    return { ids, duplicates: ids.length - new Set(ids).size, rolledUp: Number(rollups.rows[0]?.n ?? 0) };
  } finally {
    await client.end();
  }
}

describe("Postgres outage while traffic flows", () => {
  it("keeps serving, spools, replays when Postgres returns: every call recorded exactly once", async () => {
    // Each phase lasts its time and until enough calls were answered in it: a loaded machine answers fewer.
    const traffic = startTraffic(() => tollgate.url, { concurrency: 6 });
    await Promise.all([sleep(800), eventually(async () => expect(traffic.stats.ids.length).toBeGreaterThan(20))]);

    await postgres.stop();
    const atStop = traffic.stats.ids.length;
    // The proxy kept answering while the database was down, and the records went to the spool.
    await Promise.all([sleep(2_000), eventually(async () => expect(traffic.stats.ids.length - atStop).toBeGreaterThan(20))]);
    await eventually(async () => expect(tollgate.spool.records()).toBeGreaterThan(0));
    expect(readdirSync(spoolDir).some((n) => n.endsWith(".jsonl"))).toBe(true);

    await postgres.start();
    // Traffic goes on while the spool is replayed.
    const atStart = traffic.stats.ids.length;
    await Promise.all([sleep(1_000), eventually(async () => expect(traffic.stats.ids.length - atStart).toBeGreaterThan(20))]);
    const stats = await traffic.stop();
    expect(stats.unanswered).toBe(0);
    expect(Object.keys(stats.statuses).sort()).toEqual(["200", "429", "500"]);

    await tollgate.recorder.flush();
    const recorded = await eventually(async () => {
      await tollgate.replayer.replayNow();
      const r = await recordedIds();
      expect(r.ids.length).toBe(stats.ids.length);
      return r;
    }, 15_000);
    expect(recorded.duplicates).toBe(0);
    // replayed batches were not counted twice in the hourly rollups the reports read
    expect(recorded.rolledUp).toBe(stats.ids.length);
    expect(new Set(recorded.ids)).toEqual(new Set(stats.ids));
    expect(tollgate.spool.records()).toBe(0);
    expect(readdirSync(spoolDir).filter((n) => n.endsWith(".jsonl"))).toEqual([]);

    const metrics = parsePromText(await (await fetch(`${tollgate.url}/metrics`)).text());
    expect(metrics.sum("tollgate_recorder_dropped_total")).toBe(0);
    expect(metrics.value("tollgate_recorder_written_total", { target: "spool" })).toBeGreaterThan(0);
    expect(metrics.value("tollgate_recorder_spooled_records")).toBe(0);
  });
});

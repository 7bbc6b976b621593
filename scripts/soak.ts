/**
 * Soak test (not part of CI): mixed traffic through a real Tollgate while its Postgres is stopped and
 * started again periodically; at the end, calls answered vs calls recorded, by call id.
 *
 *   npm run soak -- --minutes 5 [--concurrency 16] [--restart-every 30] [--down 5]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { loadConfig } from "../server/src/config.ts";
import { startTollgate } from "../server/src/server.ts";
import { startFakeOpenAi } from "../test/support/fake-openai.ts";
import { startPrivatePostgres } from "../test/server/reliability/private-postgres.ts";
import { startTraffic } from "../test/server/reliability/traffic.ts";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "2" },
    concurrency: { type: "string", default: "16" },
    "restart-every": { type: "string", default: "30" },
    down: { type: "string", default: "5" },
  },
});
const minutes = Number(values.minutes);
const concurrency = Number(values.concurrency);
const restartEveryMs = Number(values["restart-every"]) * 1000;
const downMs = Number(values.down) * 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

const postgres = await startPrivatePostgres();
const fake = await startFakeOpenAi();
const spoolDir = mkdtempSync(join(tmpdir(), "tollgate-soak-spool-"));
const tollgate = await startTollgate(
  loadConfig({
    DATABASE_URL: postgres.url,
    PORT: "0",
    TOLLGATE_LOG_LEVEL: "error",
    TOLLGATE_UPSTREAM_OPENAI: fake.url,
    TOLLGATE_SPOOL_DIR: spoolDir,
    TOLLGATE_UPSTREAM_TIMEOUT_MS: "10000",
  }),
);
log(
  `Tollgate ${tollgate.url}, Postgres :${postgres.port}, ${concurrency} clients for ${minutes} min; Postgres down ${downMs / 1000}s every ${restartEveryMs / 1000}s`,
);

const traffic = startTraffic(() => tollgate.url, { concurrency });
const endAt = Date.now() + minutes * 60_000;
let restarts = 0;
let maxSpooled = 0;
const watch = setInterval(() => (maxSpooled = Math.max(maxSpooled, tollgate.spool.records())), 100);
while (Date.now() < endAt) {
  await sleep(Math.min(restartEveryMs, Math.max(0, endAt - Date.now() - downMs)));
  if (Date.now() + downMs >= endAt) break;
  await postgres.stop();
  log(`Postgres stopped (answered so far: ${traffic.stats.ids.length})`);
  await sleep(downMs);
  await postgres.start();
  restarts++;
  log(`Postgres started again; ${tollgate.spool.records()} records waiting in the spool`);
}
const stats = await traffic.stop();
clearInterval(watch);
const elapsedS = minutes * 60;

// Everything queued reaches Postgres or the spool; then the spool is replayed.
await tollgate.recorder.flush();
const drainDeadline = Date.now() + 60_000;
while (tollgate.spool.records() > 0 && Date.now() < drainDeadline) {
  await tollgate.replayer.replayNow();
  if (tollgate.spool.records() > 0) await sleep(500);
}

const client = new pg.Client({ connectionString: postgres.url });
await client.connect();
const { rows } = await client.query<{ id: string }>("SELECT id::text FROM calls");
await client.end();
const recorded = new Set(rows.map((r) => r.id));
const sent = new Set(stats.ids);
const missing = [...sent].filter((id) => !recorded.has(id));
const extra = [...recorded].filter((id) => !sent.has(id));
const metrics = await (await fetch(`${tollgate.url}/metrics`)).text();
const metric = (name: string) =>
  metrics
    .split("\n")
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);

await tollgate.close();
await fake.close();
await postgres.destroy();
rmSync(spoolDir, { recursive: true, force: true });

const summary = {
  minutes,
  concurrency,
  databaseRestarts: restarts,
  requestsStarted: stats.started,
  callsAnswered: stats.ids.length,
  callsRecorded: rows.length,
  missing: missing.length,
  extraRows: extra.length,
  duplicateIds: stats.ids.length - sent.size,
  unanswered: stats.unanswered,
  maxSpooledRecords: maxSpooled,
  writtenToSpool: metric('tollgate_recorder_written_total{target="spool"}'),
  droppedTotal: metric("tollgate_recorder_dropped_total"),
  requestsPerSecond: Math.round(stats.started / elapsedS),
  statuses: stats.statuses,
  kinds: stats.kinds,
};
process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
const ok = missing.length === 0 && extra.length === 0 && summary.duplicateIds === 0 && summary.droppedTotal === 0;
log(`calls sent (answered) ${summary.callsAnswered} vs recorded ${summary.callsRecorded}: ${ok ? "OK, nothing lost" : "MISMATCH"}`);
process.exit(ok ? 0 : 1);

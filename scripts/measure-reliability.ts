/**
 * Measures what docs/reliability.md reports (not part of CI): Tollgate as a real process (the bundle) in
 * front of the fake OpenAI upstream, recording into a private Postgres that is stopped and started.
 *   - kill -9 the moment the N-th answer arrives; restart; answered calls missing from Postgres
 *   - the same with Postgres stopped during the burst
 *   - a Postgres outage under traffic (no crash): calls lost, and the time from Postgres accepting
 *     connections again to every answered call being in Postgres, with traffic going on and without
 *
 *   npx tsx scripts/measure-reliability.ts [--rounds 3] [--answers 400] [--concurrency 8] [--down 3]
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { startPrivatePostgres, type PrivatePostgres } from "../test/server/reliability/private-postgres.ts";
import { startTraffic } from "../test/server/reliability/traffic.ts";
import { startFakeOpenAi } from "../test/support/fake-openai.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    answers: { type: "string", default: "400" },
    concurrency: { type: "string", default: "8" },
    down: { type: "string", default: "3" },
  },
});
const rounds = Number(values.rounds);
const answersBeforeKill = Number(values.answers);
const concurrency = Number(values.concurrency);
const downMs = Number(values.down) * 1000;
const root = new URL("..", import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => process.stdout.write(`${msg}\n`);

spawnSync(process.execPath, [join(root, "scripts", "ensure-build.mjs")], { cwd: root, stdio: "inherit" });
const postgres = await startPrivatePostgres();
const fake = await startFakeOpenAi();
let databases = 0;

interface Proc {
  url: string;
  child: ChildProcess;
  exited: Promise<void>;
}

function startProcess(databaseUrl: string, spoolDir: string): Promise<Proc> {
  const child = spawn(process.execPath, [join(root, "dist", "server", "main.mjs")], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      PORT: "0",
      DATABASE_URL: databaseUrl,
      TOLLGATE_SPOOL_DIR: spoolDir,
      TOLLGATE_UPSTREAM_OPENAI: fake.url,
      TOLLGATE_TOKENIZER_PRELOAD: "false",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((r) => child.on("exit", () => r()));
  return new Promise((resolve, reject) => {
    let pending = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.includes('"Tollgate listening"')) continue;
        resolve({ url: (JSON.parse(line) as { url: string }).url, child, exited });
      }
    });
    void exited.then(() => reject(new Error("Tollgate exited during start-up")));
  });
}

async function freshDatabase(): Promise<string> {
  const name = `reliability_${process.pid}_${++databases}`;
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return postgres.url.replace(/\/postgres$/, `/${name}`);
}

async function countRecorded(url: string, ids: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM calls WHERE id = ANY($1::uuid[])", [ids]);
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

/** Polls until every id is in Postgres (or `limitMs` passes); returns the ms it took, or -1. */
async function timeUntilRecorded(url: string, ids: string[], limitMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if ((await countRecorded(url, ids).catch(() => -1)) === ids.length) return performance.now() - started;
    await sleep(20);
  }
  return -1;
}

/** Clients in a loop; SIGKILL in the same turn as the `killAfter`-th whole answer. Returns the answered ids. */
async function burstThenKill(proc: Proc, killAfter: number): Promise<string[]> {
  const answered: string[] = [];
  let killed = false;
  let n = 0;
  const kinds = [
    { model: "gpt-4o-mini", stream: false },
    { model: "gpt-4o-mini", stream: true },
    { model: "gpt-4o-mini-429", stream: false },
    { model: "gpt-4o-mini-nousage", stream: true },
  ];
  const worker = async () => {
    while (!killed) {
      const kind = kinds[n++ % kinds.length]!;
      try {
        const res = await fetch(`${proc.url}/openai/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer sk-measure" },
          body: JSON.stringify({ ...kind, messages: [{ role: "user", content: "Summarise Moby Dick in one line." }] }),
        });
        const id = res.headers.get("x-tollgate-call-id");
        await res.arrayBuffer();
        if (killed || !id) continue;
        answered.push(id);
        if (answered.length >= killAfter) {
          killed = true;
          proc.child.kill("SIGKILL");
        }
      } catch {
        // cut by the kill: not answered
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await proc.exited;
  return answered;
}

async function crashRound(outage: boolean): Promise<{ answered: number; lost: number; recoveredMs: number }> {
  const url = await freshDatabase();
  const spool = mkdtempSync(join(tmpdir(), "tollgate-measure-spool-"));
  const first = await startProcess(url, spool);
  if (outage) await postgres.stop();
  const answered = await burstThenKill(first, answersBeforeKill);
  if (outage) await postgres.start();
  const again = await startProcess(url, spool);
  const recoveredMs = await timeUntilRecorded(url, answered, 30_000);
  const lost = answered.length - (await countRecorded(url, answered));
  again.child.kill("SIGTERM");
  await again.exited;
  return { answered: answered.length, lost, recoveredMs };
}

async function outageRound(trafficAfter: boolean): Promise<{ answered: number; lost: number; completeMs: number }> {
  const url = await freshDatabase();
  const proc = await startProcess(url, mkdtempSync(join(tmpdir(), "tollgate-measure-spool-")));
  const traffic = startTraffic(() => proc.url, {
    concurrency,
    kinds: ["json", "stream", "stream-usage", "embeddings", "rate-limited", "server-error"],
  });
  await sleep(1_000);
  await postgres.stop();
  await sleep(downMs);
  if (!trafficAfter) await traffic.stop();
  // calls answered before Postgres is back (those still being answered are waited for too)
  const before = new Set([...traffic.stats.ids]);
  await postgres.start(); // resolves once Postgres accepts connections
  const back = performance.now();
  const waited = await timeUntilRecorded(url, [...before], 30_000);
  const completeMs = waited < 0 ? -1 : performance.now() - back;
  const ids = (await traffic.stop()).ids;
  await timeUntilRecorded(url, ids, 30_000);
  const lost = ids.length - (await countRecorded(url, ids));
  proc.child.kill("SIGTERM");
  await proc.exited;
  return { answered: ids.length, lost, completeMs };
}

const fmt = (ms: number) => (ms < 0 ? "not within 30 s" : `${Math.round(ms)} ms`);
try {
  for (let r = 1; r <= rounds; r++) {
    const crash = await crashRound(false);
    log(
      `kill -9 (round ${r}): ${crash.lost} of ${crash.answered} answered calls lost; all in Postgres ${fmt(crash.recoveredMs)} after the restart was listening`,
    );
    const crashOutage = await crashRound(true);
    log(
      `kill -9 during a Postgres outage (round ${r}): ${crashOutage.lost} of ${crashOutage.answered} lost; all in Postgres ${fmt(crashOutage.recoveredMs)} after the restart`,
    );
    const idle = await outageRound(false);
    log(
      `Postgres down ${downMs / 1000} s, no traffic after (round ${r}): ${idle.lost} of ${idle.answered} lost; complete ${fmt(idle.completeMs)} after Postgres accepted connections`,
    );
    const busy = await outageRound(true);
    log(
      `Postgres down ${downMs / 1000} s, traffic goes on (round ${r}): ${busy.lost} of ${busy.answered} lost; complete ${fmt(busy.completeMs)} after Postgres accepted connections`,
    );
  }
} finally {
  await fake.close();
  await (postgres as PrivatePostgres).destroy();
}

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../server/src/config.ts";
import type { ReportsSourceState } from "../../../server/src/db/reports-database.ts";
import { startTollgate, type Tollgate } from "../../../server/src/server.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../../support/fake-openai.ts";
import { eventually } from "../../support/tollgate.ts";
import { postgresBinaries, startReplicaCluster, type ReplicaCluster } from "./replica-cluster.ts";

// Reports from a physical streaming replica (pg_basebackup of a private primary): what they say while the
// replica is current, while its replay lags, and once it is gone.
if (process.env.REQUIRE_SCALE_ENGINES && !postgresBinaries) throw new Error("REQUIRE_SCALE_ENGINES is set but there is no pg_basebackup");

let cluster: ReplicaCluster;
let fake: FakeOpenAi;
let tollgate: Tollgate;

beforeAll(async () => {
  if (!postgresBinaries) return;
  cluster = await startReplicaCluster("tollgate");
  fake = await startFakeOpenAi();
  tollgate = await startTollgate(
    loadConfig({
      DATABASE_URL: cluster.primaryUrl,
      TOLLGATE_REPORTS_DATABASE_URL: cluster.replicaUrl,
      TOLLGATE_REPORTS_CHECK_MS: "200",
      PORT: "0",
      TOLLGATE_LOG_LEVEL: "silent",
      TOLLGATE_RECORDER_FLUSH_MS: "10",
      TOLLGATE_TOKENIZER_PRELOAD: "false",
      TOLLGATE_LOG_BODIES: "all",
      TOLLGATE_UPSTREAM_OPENAI: fake.url,
      TOLLGATE_DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-replica-data-")),
    }),
  );
}, 120_000);

afterAll(async () => {
  await tollgate?.close();
  await fake?.close();
  cluster?.destroy();
});

async function calls(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${tollgate.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-test", "x-tollgate-app": "replicated" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `call ${i}` }] }),
    });
    await res.text();
    expect(res.status).toBe(200);
  }
  await tollgate.recorder.flush();
}

async function spend(): Promise<{ calls: number; source: string | null; lag: string | null }> {
  const res = await fetch(`${tollgate.url}/api/spend?groupBy=app&interval=day&app=replicated`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { totals?: { calls: number }; series: Array<{ calls: number }> };
  const total = body.totals?.calls ?? body.series.reduce((a, r) => a + r.calls, 0);
  return { calls: total, source: res.headers.get("x-tollgate-reports-source"), lag: res.headers.get("x-tollgate-reports-lag-ms") };
}

const source = async (): Promise<ReportsSourceState> =>
  (await (await fetch(`${tollgate.url}/api/reports/source`)).json()) as ReportsSourceState;

describe.skipIf(!postgresBinaries)("reports from a streaming replica (TOLLGATE_REPORTS_DATABASE_URL)", () => {
  it("read the replica once it has replayed the calls, and say it is 0 ms behind", async () => {
    await calls(5);
    await eventually(async () => expect(await spend()).toEqual({ calls: 5, source: "replica", lag: "0" }));
    expect(await source()).toMatchObject({ source: "replica", lagMs: 0 });
  });

  it("read sessions, call details and captured bodies from the replica too", async () => {
    const sessionId = "replicated-session";
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${tollgate.url}/openai/v1/chat/completions`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: "Bearer sk-test",
          "x-tollgate-app": "replicated-sessions",
          "x-tollgate-session": sessionId,
        },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `session call ${i}` }] }),
      });
      await res.text();
      expect(res.status).toBe(200);
    }
    await tollgate.recorder.flush();
    await tollgate.bodies.recorder?.flush();
    const detail = async () => {
      const res = await fetch(`${tollgate.url}/api/sessions/${sessionId}`);
      return {
        status: res.status,
        source: res.headers.get("x-tollgate-reports-source"),
        body: (await res.json()) as { calls?: Array<{ id: string }> },
      };
    };
    const callDetail = async (id: string) => {
      const res = await fetch(`${tollgate.url}/api/calls/${id}`);
      return { status: res.status, body: (await res.json()) as { requestBody?: unknown; responseBody?: unknown } };
    };
    const listed = async () => {
      const res = await fetch(`${tollgate.url}/api/sessions?app=replicated-sessions`);
      return ((await res.json()) as { sessions: Array<{ id: string }> }).sessions.map((s) => s.id);
    };
    let callId = "";
    await eventually(async () => {
      const d = await detail();
      expect(d).toMatchObject({ status: 200, source: "replica" });
      expect(d.body.calls).toHaveLength(2);
      callId = d.body.calls?.[0]?.id ?? "";
      expect((await callDetail(callId)).body.requestBody).not.toBeNull();
      expect((await source()).lagMs).toBe(0);
    });
    // With replay paused, the primary loses the session's rows and bodies; the replica still has them, so a
    // report that still finds them was answered by the replica.
    await cluster.onReplica("SELECT pg_wal_replay_pause()");
    await tollgate.db.pool.query(`DELETE FROM call_bodies WHERE call_id IN (SELECT id FROM calls WHERE session_id = $1)`, [sessionId]);
    await tollgate.db.pool.query(`DELETE FROM calls WHERE session_id = $1`, [sessionId]);
    expect((await detail()).body.calls).toHaveLength(2);
    expect(await listed()).toEqual([sessionId]);
    const fromReplica = await callDetail(callId);
    expect(fromReplica.status).toBe(200);
    expect(fromReplica.body.requestBody).not.toBeNull();
    expect(fromReplica.body.responseBody).not.toBeNull();
    await cluster.onReplica("SELECT pg_wal_replay_resume()");
    await eventually(async () => expect((await detail()).status).toBe(404));
    expect(await listed()).toEqual([]);
    expect((await callDetail(callId)).status).toBe(404);
  });

  it("say how far behind a lagging replica is, instead of showing its stale figures as current", async () => {
    await cluster.onReplica("SELECT pg_wal_replay_pause()");
    await calls(3);
    // the primary has 8 calls; the paused replica still answers 5 — and says it lags
    await eventually(async () => {
      const state = await source();
      expect(state.source).toBe("replica");
      expect(state.lagMs).toBeGreaterThan(0);
    });
    const stale = await spend();
    expect(stale.calls).toBe(5);
    expect(Number(stale.lag)).toBeGreaterThan(0);
    // writes still go to the primary while the replica lags
    const { rows } = await tollgate.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM calls WHERE app = 'replicated'`);
    expect(rows[0]?.n).toBe(8);
    await cluster.onReplica("SELECT pg_wal_replay_resume()");
    await eventually(async () => expect(await spend()).toEqual({ calls: 8, source: "replica", lag: "0" }));
  });

  it("fall back to the primary when the replica is down, and say so", async () => {
    cluster.stopReplica();
    await calls(2);
    // the first report after the replica went away already answers, from the primary
    const after = await spend();
    expect(after.calls).toBe(10);
    expect(after.source).toBe("primary-fallback");
    expect(await source()).toMatchObject({ source: "primary-fallback", lagMs: null });
  });
});

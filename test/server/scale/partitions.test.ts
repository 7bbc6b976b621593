import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropExpiredCallPartitions, ensureCallPartitions, MONTHS_AHEAD, retentionCutoff } from "../../../server/src/db/partitions.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import type { CallRecord } from "../../../server/src/domain/call-record.ts";
import { uuidv7 } from "../../../server/src/lib/uuidv7.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

function call(startedMs: number, costUsd = "0.00033"): CallRecord {
  return {
    id: uuidv7(startedMs),
    startedAt: new Date(startedMs),
    provider: "openai",
    endpoint: "chat.completions",
    model: "gpt-4o-mini",
    responseModel: "gpt-4o-mini-2024-07-18",
    deployment: null,
    app: "partition-test",
    user: null,
    properties: null,
    keyId: null,
    stream: false,
    status: 200,
    outcome: "ok",
    errorType: null,
    errorMessage: null,
    errorBody: null,
    upstreamRequestId: null,
    serviceTier: null,
    inputTokens: 1200,
    cachedInputTokens: 400,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 300,
    reasoningTokens: 100,
    usageSource: "reported",
    costUsd,
    priceId: "p1",
    priced: true,
    latencyMs: 12.5,
    ttftMs: 12.5,
    overheadMs: 0.2,
    requestBytes: 100,
    responseBytes: 200,
    requestBody: null,
    responseBody: null,
  };
}

/** calls_YYYY_MM of the UTC month `offset` months from `now`. */
function partitionName(now: Date, offset: number): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return `calls_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** Midday on the 15th of the UTC month `offset` months from `now`. */
function midMonth(now: Date, offset: number): number {
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 15, 12);
}

async function partitionOf(id: string): Promise<string | undefined> {
  const { rows } = await db.pool.query<{ part: string }>(`SELECT tableoid::regclass::text AS part FROM calls WHERE id = $1`, [id]);
  return rows[0]?.part;
}

async function partitions(): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'calls'::regclass ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

describe("calls partitioned by month", () => {
  it("is a partitioned table with a default partition and this month's and the next months' partitions", async () => {
    const { rows } = await db.pool.query<{ relkind: string }>(`SELECT relkind FROM pg_class WHERE relname = 'calls'`);
    expect(rows[0]?.relkind).toBe("p");
    await ensureCallPartitions(db.pool);
    const now = new Date();
    const names = await partitions();
    expect(names).toContain("calls_default");
    for (let i = 0; i <= MONTHS_AHEAD; i++) expect(names).toContain(partitionName(now, i));
    // idempotent: a second run (another replica, the next day) creates nothing
    expect(await ensureCallPartitions(db.pool)).toBe(0);
  });

  it("routes a call to its month's partition and deduplicates a replayed call", async () => {
    const record = call(Date.now());
    expect(await insertCalls(db.pool, [record])).toBe(1);
    expect(await partitionOf(record.id)).toBe(partitionName(new Date(), 0));
    expect(await insertCalls(db.pool, [record, { ...record }])).toBe(0);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM calls WHERE id = $1`, [record.id]);
    expect(rows[0]?.n).toBe(1);
  });

  it("keeps a call of a month without a partition in the default one, and moves it out when the month gets its partition", async () => {
    const now = new Date();
    const far = call(midMonth(now, 8));
    expect(await insertCalls(db.pool, [far])).toBe(1);
    expect(await partitionOf(far.id)).toBe("calls_default");
    expect(await ensureCallPartitions(db.pool, 8)).toBe(8 - MONTHS_AHEAD);
    expect(await partitionOf(far.id)).toBe(partitionName(now, 8));
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM calls_default`);
    expect(rows[0]?.n).toBe(0);
    // still deduplicated after the move
    expect(await insertCalls(db.pool, [far])).toBe(0);
  });

  it("retention drops whole expired months and leaves their rollups, so reports over them still add up", async () => {
    const now = new Date();
    await db.pool.query(`SELECT tollgate_ensure_call_partitions($1, 0)`, [new Date(midMonth(now, -4))]);
    const old = [-4, -3, -2, -1].map((offset) => call(midMonth(now, offset), "0.5"));
    expect(await insertCalls(db.pool, old)).toBe(4);
    const rollupsBefore = await db.pool.query<{ calls: string; cost: string }>(
      `SELECT sum(calls)::text AS calls, sum(cost_usd)::text AS cost FROM call_rollups_hourly WHERE app = 'partition-test' AND hour < $1`,
      [retentionCutoff(now, 1)],
    );
    // keep two months: this one and the previous one
    const dropped = await dropExpiredCallPartitions(db.pool, 2, now);
    expect(dropped).toEqual([partitionName(now, -4), partitionName(now, -3), partitionName(now, -2)]);
    expect(await partitionOf((old[3] as CallRecord).id)).toBe(partitionName(now, -1));
    for (const gone of old.slice(0, 3)) expect(await partitionOf(gone.id)).toBeUndefined();
    const rollupsAfter = await db.pool.query<{ calls: string; cost: string }>(
      `SELECT sum(calls)::text AS calls, sum(cost_usd)::text AS cost FROM call_rollups_hourly WHERE app = 'partition-test' AND hour < $1`,
      [retentionCutoff(now, 1)],
    );
    expect(rollupsAfter.rows[0]).toEqual(rollupsBefore.rows[0]);
    expect(Number(rollupsAfter.rows[0]?.calls)).toBe(4);
    // nothing left to drop
    expect(await dropExpiredCallPartitions(db.pool, 2, now)).toEqual([]);
  });

  it("computes the retention cutoff on whole UTC months", () => {
    expect(retentionCutoff(new Date("2026-11-26T23:59:00Z"), 1).toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(retentionCutoff(new Date("2026-11-26T23:59:00Z"), 3).toISOString()).toBe("2026-09-01T00:00:00.000Z");
    expect(retentionCutoff(new Date("2026-01-15T00:00:00Z"), 2).toISOString()).toBe("2025-12-01T00:00:00.000Z");
    expect(retentionCutoff(new Date("2026-03-01T00:00:00Z"), 14).toISOString()).toBe("2025-02-01T00:00:00.000Z");
  });
});

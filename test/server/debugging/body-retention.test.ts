import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBodyPartitionMaintenance } from "../../../server/src/db/body-partitions.ts";
import { MONTHS_AHEAD } from "../../../server/src/db/partitions.ts";
import { insertBodies } from "../../../server/src/recording/body-writer.ts";
import type { StoredBody } from "../../../server/src/recording/body-record.ts";
import { uuidv7 } from "../../../server/src/lib/uuidv7.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const DAY = 86_400_000;
const body = (startedMs: number): StoredBody => ({
  callId: uuidv7(startedMs),
  startedAt: new Date(startedMs),
  method: "POST",
  path: "/v1/chat/completions",
  query: null,
  headers: { "content-type": "application/json" },
  requestBody: "{}",
  requestTruncated: false,
  responseBody: "{}",
  responseTruncated: false,
  responseAssembled: false,
});

function monthName(now: Date, offset: number): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return `call_bodies_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

async function partitions(): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'call_bodies'::regclass ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

describe("call_bodies partitions and retention", () => {
  it("is partitioned by month, and keeps TOLLGATE_BODY_RETENTION_DAYS days of bodies", async () => {
    const now = new Date();
    const { rows } = await db.pool.query<{ relkind: string }>(`SELECT relkind FROM pg_class WHERE relname = 'call_bodies'`);
    expect(rows[0]?.relkind).toBe("p");
    const old = Date.now() - 100 * DAY;
    const recent = Date.now() - 2 * DAY;
    const stale = Date.now() - 8 * DAY;
    // Rows of months without a partition land in the default partition; the maintenance moves them.
    const kept = body(recent);
    expect(await insertBodies(db.prisma, [body(old), kept, body(stale)])).toBe(3);
    expect(await insertBodies(db.prisma, [kept])).toBe(0); // a replay is skipped
    await db.pool.query(`SELECT tollgate_ensure_body_partitions($1, 0)`, [new Date(old)]);
    const before = await partitions();
    expect(before).toContain(monthName(new Date(old), 0));

    const runs: Array<[number, string[]]> = [];
    const m = await startBodyPartitionMaintenance({
      prisma: db.prisma,
      retentionDays: 7,
      onRun: (created, dropped) => runs.push([created, dropped]),
    });
    m.stop();
    const after = await partitions();
    for (let i = 0; i <= MONTHS_AHEAD; i++) expect(after).toContain(monthName(now, i));
    expect(after).not.toContain(monthName(new Date(old), 0));
    expect(runs[0]![1]).toContain(monthName(new Date(old), 0));
    const { rows: left } = await db.pool.query<{ at: Date }>(`SELECT started_at AS at FROM call_bodies`);
    expect(left.map((r) => r.at.getTime())).toEqual([recent]);
  });
});

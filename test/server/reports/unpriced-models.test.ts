import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../../../server/src/generated/prisma/client.ts";
import { UNPRICED_MODELS_SQL, unpricedModels } from "../../../server/src/reports/prices.ts";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import { callRecord } from "../../support/call-record.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

describe("unpriced models (the prices page)", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    const at = new Date();
    await insertCalls(db.pool, [
      callRecord({ provider: "openai", model: "gpt-new", startedAt: at, priced: false, costUsd: null, inputTokens: 10 }),
      callRecord({ provider: "openai", model: "gpt-new", startedAt: at, priced: false, costUsd: null, inputTokens: 12 }),
      callRecord({ provider: "openai", model: "gpt-4o", startedAt: at, priced: true, costUsd: "0.000100", inputTokens: 10 }),
    ]);
  });
  afterAll(async () => db?.drop());

  it("counts the calls that used tokens no price matched, by provider and model", async () => {
    const rows = await unpricedModels(db.prisma);
    expect(rows.map((r) => [r.provider, r.model, r.calls])).toEqual([["openai", "gpt-new", 2]]);
  });

  it("reads only the unpriced calls' partial index, never every call (2 s at 10M calls without it)", async () => {
    // Seq and bitmap scans off (a test's tables are tiny): the question is whether an index serves the
    // statement without reading the table. Only the
    // partial index holds every column the statement reads (its WHERE is the index predicate), so only it
    // allows an index-only scan; the full (provider, model, started_at) index would need the heap for priced.
    const plan = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      await tx.$executeRaw`SET LOCAL enable_bitmapscan = off`;
      const rows = await tx.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN ${UNPRICED_MODELS_SQL}`);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("Index Only Scan");
    expect(plan).not.toMatch(/Seq Scan|Bitmap Heap Scan|Index Scan using/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../../server/src/db/client.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe("Tollgate's connections", () => {
  // JIT compiling a report statement over a few hundred thousand calls took longer than running it (4.6 s vs 1.2 s).
  it("run without JIT (the pool's and Prisma's statements)", async () => {
    const primary = createDatabase(db.url);
    try {
      const jit = async (pool: { query: (sql: string) => Promise<{ rows: Array<{ jit: string }> }> }) =>
        (await pool.query("SHOW jit")).rows[0]?.jit;
      expect(await jit(primary.pool)).toBe("off");
      const viaPrisma = await primary.prisma.$queryRaw<Array<{ jit: string }>>`SHOW jit`;
      expect(viaPrisma[0]?.jit).toBe("off");
    } finally {
      await primary.close();
    }
  });
});

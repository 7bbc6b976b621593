import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCalls } from "../../../server/src/recording/call-writer.ts";
import { callRecord } from "../../support/call-record.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

// One batch settles calls holding reservations on several budgets (an app's and two keys'): each ledger row
// gets exactly its calls' costs, and loses exactly the holds of the batch's calls — not those of calls still
// running, nor another budget's.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const MONTH = "2026-11";

async function ledger(): Promise<Record<string, { spent: string; reserved: string }>> {
  const { rows } = await db.pool.query<{ budget_id: string; spent: string; reserved: string }>(
    `SELECT budget_id, spent_usd::float8::text AS spent, reserved_usd::float8::text AS reserved FROM budget_spend WHERE month = $1`,
    [MONTH],
  );
  return Object.fromEntries(rows.map((r) => [r.budget_id, { spent: r.spent, reserved: r.reserved }]));
}

describe("batch settlement", () => {
  it("releases exactly the batch's holds across two keys and their app, and counts each call's cost once", async () => {
    const [k1, k2] = [randomUUID(), randomUUID()];
    await db.pool.query(
      `INSERT INTO budgets (id, app, key_id, monthly_usd, action) VALUES
         ('app:shop', 'shop', NULL, 100, 'block'), ($1, 'shop', $2::uuid, 100, 'block'), ($3, 'shop', $4::uuid, 100, 'block'),
         ('app:other', 'other', NULL, 100, 'block')`,
      [`key:${k1}`, k1, `key:${k2}`, k2],
    );
    await db.pool.query(
      `INSERT INTO budget_spend (budget_id, month, reserved_usd) VALUES ('app:shop', $1, 10), ($2, $1, 4), ($3, $1, 6), ('app:other', $1, 3)`,
      [MONTH, `key:${k1}`, `key:${k2}`],
    );
    const [c1, c2, c3, c4, running, elsewhere] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const holds: Array<[string, string, string]> = [
      [c1, "app:shop", "1.5"],
      [c1, `key:${k1}`, "1.5"],
      [c2, "app:shop", "2.25"],
      [c2, `key:${k2}`, "2.25"],
      [c3, "app:shop", "0.125"],
      [c3, `key:${k1}`, "0.125"],
      [running, "app:shop", "0.75"],
      [running, `key:${k1}`, "0.75"],
      [elsewhere, "app:other", "1"],
    ];
    for (const [call, budget, amount] of holds) {
      await db.pool.query(`INSERT INTO budget_holds (call_id, budget_id, month, amount_usd) VALUES ($1, $2, $3, $4)`, [
        call,
        budget,
        MONTH,
        amount,
      ]);
    }
    const at = new Date("2026-11-20T10:00:00Z");
    await insertCalls(db.pool, [
      callRecord({ id: c1, app: "shop", keyId: k1, startedAt: at, costUsd: "0.4" }),
      callRecord({ id: c2, app: "shop", keyId: k2, startedAt: at, costUsd: "0.6" }),
      callRecord({ id: c3, app: "shop", keyId: k1, startedAt: at, costUsd: "0.05" }),
      callRecord({ id: c4, app: "shop", keyId: null, startedAt: at, costUsd: "0.003" }),
    ]);
    expect(await ledger()).toEqual({
      "app:shop": { spent: "1.053", reserved: "6.125" },
      [`key:${k1}`]: { spent: "0.45", reserved: "2.375" },
      [`key:${k2}`]: { spent: "0.6", reserved: "3.75" },
      "app:other": { spent: "0", reserved: "3" },
    });
    const { rows } = await db.pool.query<{ call_id: string; budget_id: string }>(
      `SELECT call_id, budget_id FROM budget_holds ORDER BY call_id, budget_id`,
    );
    expect(rows.map((r) => `${r.call_id} ${r.budget_id}`).sort()).toEqual(
      [`${running} app:shop`, `${running} key:${k1}`, `${elsewhere} app:other`].sort(),
    );
  });
});

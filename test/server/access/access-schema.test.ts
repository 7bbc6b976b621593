import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { startReplica } from "./harness.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe("the access tables match the Prisma schema", () => {
  it("writes and reads every field of VirtualKey, Setting, Budget, BudgetSpend and BudgetHold through the client", async () => {
    const id = randomUUID();
    const at = new Date("2026-11-20T10:00:00.123Z");
    const key = await db.prisma.virtualKey.create({
      data: {
        id,
        app: "schema-app",
        provider: "openai",
        prefix: "tg_abcdef",
        hash: "f".repeat(64),
        createdAt: at,
        expiresAt: at,
        revokedAt: at,
        lastUsedAt: at,
      },
    });
    expect(key).toEqual({
      id,
      app: "schema-app",
      provider: "openai",
      prefix: "tg_abcdef",
      hash: "f".repeat(64),
      createdAt: at,
      expiresAt: at,
      revokedAt: at,
      lastUsedAt: at,
      endpoints: ["inference", "models"],
    });
    const session = await db.prisma.adminSession.create({ data: { idHash: "e".repeat(64), createdAt: at, expiresAt: at } });
    expect(session).toEqual({ idHash: "e".repeat(64), createdAt: at, expiresAt: at });

    const setting = await db.prisma.setting.create({ data: { key: "schema-test", value: "v", createdAt: at } });
    expect(setting).toEqual({ key: "schema-test", value: "v", createdAt: at });

    const budget = await db.prisma.budget.create({
      data: {
        id: `key:${id}`,
        app: "schema-app",
        keyId: id,
        monthlyUsd: "12.3456789012",
        action: "block",
        unpriced: "block",
        createdAt: at,
        updatedAt: at,
      },
    });
    expect({ ...budget, monthlyUsd: budget.monthlyUsd.toString() }).toEqual({
      id: `key:${id}`,
      app: "schema-app",
      keyId: id,
      monthlyUsd: "12.3456789012",
      action: "block",
      unpriced: "block",
      period: "month",
      createdAt: at,
      updatedAt: at,
    });

    const spend = await db.prisma.budgetSpend.create({
      data: {
        budgetId: budget.id,
        month: "2026-11",
        spentUsd: "0.0000000000000001",
        reservedUsd: "1.5",
        unpricedCalls: 9_007_199_254_740_993n,
        updatedAt: at,
      },
    });
    expect({ ...spend, spentUsd: spend.spentUsd.toString(), reservedUsd: spend.reservedUsd.toString() }).toEqual({
      budgetId: budget.id,
      month: "2026-11",
      spentUsd: "1e-16",
      reservedUsd: "1.5",
      unpricedCalls: 9_007_199_254_740_993n,
      updatedAt: at,
    });

    const callId = randomUUID();
    const hold = await db.prisma.budgetHold.create({
      data: { callId, budgetId: budget.id, month: "2026-11", amountUsd: "0.25", createdAt: at, renewedAt: at },
    });
    expect({ ...hold, amountUsd: hold.amountUsd.toString() }).toEqual({
      callId,
      budgetId: budget.id,
      month: "2026-11",
      amountUsd: "0.25",
      createdAt: at,
      renewedAt: at,
    });
    expect(
      await db.prisma.budgetSpend.findUniqueOrThrow({
        where: { budgetId_month: { budgetId: budget.id, month: "2026-11" } },
        include: { holds: true },
      }),
    ).toMatchObject({ holds: [{ callId }] });

    const noticeRow = await db.prisma.budgetNotice.create({
      data: {
        budgetId: budget.id,
        period: "2026-W48",
        kind: "forecast",
        app: "schema-app",
        limitUsd: "12.5",
        spentUsd: "3.25",
        forecastUsd: "14.0000000000000001",
        createdAt: at,
      },
    });
    expect({
      ...noticeRow,
      limitUsd: noticeRow.limitUsd.toString(),
      spentUsd: noticeRow.spentUsd.toString(),
      forecastUsd: noticeRow.forecastUsd?.toString(),
    }).toEqual({
      budgetId: budget.id,
      period: "2026-W48",
      kind: "forecast",
      app: "schema-app",
      limitUsd: "12.5",
      spentUsd: "3.25",
      forecastUsd: "14.0000000000000001",
      createdAt: at,
    });

    const hook = await db.prisma.budgetWebhook.create({
      data: { name: "ops", url: "https://hooks.example.com/T0/secret", format: "slack", createdAt: at, updatedAt: at },
    });
    expect(hook).toEqual({ name: "ops", url: "https://hooks.example.com/T0/secret", format: "slack", createdAt: at, updatedAt: at });
    const delivery = await db.prisma.budgetNoticeDelivery.create({
      data: {
        budgetId: budget.id,
        period: "2026-W48",
        kind: "forecast",
        webhook: "ops",
        status: "pending",
        attempts: 2,
        nextAttemptAt: at,
        lockedUntil: at,
        deliveredAt: null,
      },
    });
    expect(delivery).toEqual({
      budgetId: budget.id,
      period: "2026-W48",
      kind: "forecast",
      webhook: "ops",
      status: "pending",
      attempts: 2,
      nextAttemptAt: at,
      lockedUntil: at,
      deliveredAt: null,
    });
    const attempt = await db.prisma.budgetNoticeAttempt.create({
      data: {
        budgetId: budget.id,
        period: "2026-W48",
        kind: "forecast",
        webhook: "ops",
        attempt: 2,
        statusCode: 500,
        error: "HTTP 500",
        durationMs: 12.5,
        at,
      },
    });
    expect(attempt).toMatchObject({ budgetId: budget.id, attempt: 2, statusCode: 500, error: "HTTP 500", durationMs: 12.5, at });

    const withSpend = await db.prisma.budget.findUniqueOrThrow({ where: { id: budget.id }, include: { spend: true } });
    expect(withSpend.spend).toHaveLength(1);
    await db.prisma.budget.delete({ where: { id: budget.id } });
    expect(await db.prisma.budgetSpend.count({ where: { budgetId: budget.id } })).toBe(0); // cascades
    expect(await db.prisma.budgetHold.count({ where: { callId } })).toBe(0);
    expect(await db.prisma.budgetNotice.count({ where: { budgetId: budget.id } })).toBe(0);
    expect(await db.prisma.budgetNoticeDelivery.count({ where: { budgetId: budget.id } })).toBe(0); // cascades from the notice
    await expect(
      db.prisma.virtualKey.create({ data: { id: randomUUID(), app: "x", prefix: "tg_x", hash: "f".repeat(64) } }),
    ).rejects.toThrow(); // hash unique
  });
});

describe("budgets from TOLLGATE_CONFIG", () => {
  it("are applied at start-up", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-config-"));
    const file = join(dir, "tollgate.yaml");
    writeFileSync(
      file,
      'budgets:\n  - app: from-config\n    monthlyUsd: 250\n  - app: watched-config\n    monthlyUsd: "12.5"\n    action: alert\n',
    );
    const tg = await startReplica(db, { TOLLGATE_CONFIG: file });
    try {
      const body = (await (await tg.admin("/api/budgets")).json()) as { budgets: Array<Record<string, unknown>> };
      expect(body.budgets.filter((b) => String(b.app).endsWith("config"))).toEqual([
        expect.objectContaining({ id: "app:from-config", monthlyUsd: "250", action: "block", spentUsd: "0" }),
        expect.objectContaining({ id: "app:watched-config", monthlyUsd: "12.5", action: "alert" }),
      ]);
    } finally {
      await tg.close();
    }
  });

  it("stop start-up with a message naming the bad field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-config-"));
    const file = join(dir, "tollgate.json");
    writeFileSync(file, JSON.stringify({ budgets: [{ app: "x", monthlyUsd: "-5" }] }));
    await expect(startReplica(db, { TOLLGATE_CONFIG: file })).rejects.toThrow(/TOLLGATE_CONFIG: budgets\.0\.monthlyUsd/);
  });
});

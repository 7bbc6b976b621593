import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseArgs } from "../../../server/src/cli/args.ts";
import { runCli } from "../../../server/src/cli/run.ts";
import { PriceBook } from "../../../server/src/pricing/price-book.ts";
import { insertPriceRows } from "../../../server/src/pricing/price-seed.ts";
import { recomputeCosts } from "../../../server/src/pricing/recompute.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { priceRow } from "./fixtures.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

interface TestCall {
  startedAt: string;
  model: string;
  inputTokens: number;
  costUsd: string | null;
  priceId?: string | null;
  usageSource?: string;
}

async function insertCall(pool: pg.Pool, c: TestCall): Promise<string> {
  const id = randomUUID();
  await pool.query(
    `INSERT INTO calls (id, started_at, provider, endpoint, model, app, stream, status, outcome, input_tokens,
       usage_source, cost_usd, price_id, priced, latency_ms, overhead_ms, request_bytes, response_bytes)
     VALUES ($1, $2, 'openai', '/v1/chat/completions', $3, 'test', false, 200, 'ok', $4, $8, $5, $6, $7, 10, 1, 100, 100)`,
    [id, c.startedAt, c.model, c.inputTokens, c.costUsd, c.priceId ?? null, c.costUsd != null, c.usageSource ?? "reported"],
  );
  return id;
}

async function callState(pool: pg.Pool, id: string) {
  const { rows } = await pool.query<{ cost: string | null; price_id: string | null; priced: boolean }>(
    "SELECT cost_usd::text AS cost, price_id, priced FROM calls WHERE id = $1",
    [id],
  );
  const r = rows[0]!;
  return { cost: r.cost == null ? null : Number(r.cost), priceId: r.price_id, priced: r.priced };
}

describe("recomputeCosts", () => {
  const gptX = priceRow({ provider: "openai", model: "gpt-x", effectiveFrom: new Date("2026-01-01T00:00:00Z"), inputUsdPerMTok: "1" });
  const gptXCorrected = priceRow({
    provider: "openai",
    model: "gpt-x",
    effectiveFrom: new Date("2026-02-15T00:00:00Z"),
    inputUsdPerMTok: "1.5",
    source: "manual",
  });
  const gptNew = priceRow({ provider: "openai", model: "gpt-new", effectiveFrom: new Date("2026-01-01T00:00:00Z"), inputUsdPerMTok: "3" });
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await insertPriceRows(db.pool, [gptX]);
    ids.ok = await insertCall(db.pool, {
      startedAt: "2026-02-01T00:00:00Z",
      model: "gpt-x",
      inputTokens: 1_000_000,
      costUsd: "1",
      priceId: gptX.id,
    });
    ids.unpriced = await insertCall(db.pool, {
      startedAt: "2026-02-02T00:00:00Z",
      model: "gpt-new",
      inputTokens: 1_000_000,
      costUsd: null,
    });
    ids.wrong = await insertCall(db.pool, {
      startedAt: "2026-03-01T00:00:00Z",
      model: "gpt-x",
      inputTokens: 1_000_000,
      costUsd: "5",
      priceId: gptX.id,
    });
    ids.outside = await insertCall(db.pool, {
      startedAt: "2026-05-01T00:00:00Z",
      model: "gpt-x",
      inputTokens: 1_000_000,
      costUsd: "5",
      priceId: gptX.id,
    });
    // a call that failed before any usage: the proxy leaves it unpriced, and so does recompute
    ids.noUsage = await insertCall(db.pool, {
      startedAt: "2026-02-03T00:00:00Z",
      model: "gpt-new",
      inputTokens: 0,
      costUsd: null,
      usageSource: "none",
    });
    await insertPriceRows(db.pool, [gptXCorrected, gptNew]);
  });

  it("reports without writing on a dry run", async () => {
    const book = await PriceBook.load(db.prisma);
    const report = await recomputeCosts(db.prisma, book, {
      from: new Date("2026-01-15T00:00:00Z"),
      to: new Date("2026-04-01T00:00:00Z"),
      dryRun: true,
    });
    expect(report).toEqual({ examined: 3, changed: 2, previousTotalUsd: "6", newTotalUsd: "5.5", newlyPriced: 1, newlyUnpriced: 0 });
    expect(await callState(db.pool, ids.unpriced!)).toEqual({ cost: null, priceId: null, priced: false });
  });

  it("re-prices each call at its own start's price, in batches, and reports the changed span", async () => {
    const book = await PriceBook.load(db.prisma);
    const spans: Array<[string, string]> = [];
    const report = await recomputeCosts(db.prisma, book, {
      from: new Date("2026-01-15T00:00:00Z"),
      to: new Date("2026-04-01T00:00:00Z"),
      batchSize: 1,
      onChangedRange: (from, to) => {
        spans.push([from.toISOString(), to.toISOString()]);
      },
    });
    expect(report).toEqual({ examined: 3, changed: 2, previousTotalUsd: "6", newTotalUsd: "5.5", newlyPriced: 1, newlyUnpriced: 0 });
    expect(spans).toEqual([
      ["2026-02-02T00:00:00.000Z", "2026-02-02T00:00:00.000Z"],
      ["2026-03-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"],
    ]);
    expect(await callState(db.pool, ids.ok!)).toEqual({ cost: 1, priceId: gptX.id, priced: true });
    expect(await callState(db.pool, ids.unpriced!)).toEqual({ cost: 3, priceId: gptNew.id, priced: true });
    expect(await callState(db.pool, ids.wrong!)).toEqual({ cost: 1.5, priceId: gptXCorrected.id, priced: true });
    expect(await callState(db.pool, ids.outside!)).toEqual({ cost: 5, priceId: gptX.id, priced: true });
    expect(await callState(db.pool, ids.noUsage!)).toEqual({ cost: null, priceId: null, priced: false });
    // a second run finds nothing to change
    const again = await recomputeCosts(db.prisma, book, { from: new Date("2026-01-15T00:00:00Z"), to: new Date("2026-04-01T00:00:00Z") });
    expect(again).toMatchObject({ examined: 3, changed: 0, previousTotalUsd: "5.5", newTotalUsd: "5.5" });
  });

  it("filters by model", async () => {
    const book = await PriceBook.load(db.prisma);
    const report = await recomputeCosts(db.prisma, book, {
      from: new Date("2026-01-01T00:00:00Z"),
      to: new Date("2026-12-01T00:00:00Z"),
      model: "gpt-new",
    });
    expect(report).toMatchObject({ examined: 1, changed: 0 });
  });

  it("runs from the CLI: `prices recompute --from --to`", async () => {
    const lines: string[] = [];
    const code = await runCli(
      ["prices", "recompute", "--from", "2026-04-15T00:00:00Z", "--to=2026-06-01T00:00:00Z"],
      { DATABASE_URL: db.url },
      (l) => lines.push(l),
    );
    expect(code).toBe(0);
    expect(JSON.parse(lines.join("\n"))).toEqual({
      dryRun: false,
      examined: 1,
      changed: 1,
      previousTotalUsd: "5",
      newTotalUsd: "1.5",
      newlyPriced: 0,
      newlyUnpriced: 0,
      // whole UTC days: the daily rollups per user, property and reconciliation have no hours to rebuild from
      rollupHoursRefreshed: 24,
      budgetPeriodsResynced: 0,
    });
    // the hour's rollup was rebuilt from the re-priced call
    const { rows } = await db.pool.query<{ cost: string }>(
      "SELECT cost_usd::text AS cost FROM call_rollups_hourly WHERE hour = '2026-05-01T00:00:00Z'",
    );
    expect(rows.map((r) => Number(r.cost))).toEqual([1.5]);
    expect(await callState(db.pool, ids.outside!)).toEqual({ cost: 1.5, priceId: gptXCorrected.id, priced: true });
  });
});

describe("cli", () => {
  it("parses positionals, --key value, --key=value and flags", () => {
    expect(parseArgs(["prices", "recompute", "--from", "a", "--to=b", "--dry-run", "--model", "m"])).toEqual({
      positionals: ["prices", "recompute"],
      flags: { from: "a", to: "b", "dry-run": true, model: "m" },
    });
  });

  it("prints help and rejects bad usage with exit code 2", async () => {
    const lines: string[] = [];
    expect(await runCli([], {}, (l) => lines.push(l))).toBe(0);
    expect(lines.join("\n")).toMatch(/prices recompute --from ISO --to ISO/);
    expect(await runCli(["nope"], {}, () => {})).toBe(2);
    const err: string[] = [];
    expect(await runCli(["prices", "recompute", "--from", "2026-01-01"], { DATABASE_URL: db.url }, (l) => err.push(l))).toBe(2);
    expect(err[0]).toMatch(/--to is required/);
    expect(await runCli(["prices", "recompute", "--from", "x", "--to", "2026-01-01"], {}, (l) => err.push(l))).toBe(2);
    expect(await runCli(["prices", "seed"], {}, (l) => err.push(l))).toBe(2);
    expect(err.at(-2)).toMatch(/DATABASE_URL is not set/);
  });
});

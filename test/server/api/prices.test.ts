import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express, { type ErrorRequestHandler } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pricesRouter } from "../../../server/src/api/prices.ts";
import { errorJson, TollgateError, toTollgateError } from "../../../server/src/lib/errors.ts";
import { priceCall } from "../../../server/src/pricing/cost.ts";
import { PriceBook } from "../../../server/src/pricing/price-book.ts";
import { seedPrices } from "../../../server/src/pricing/price-seed.ts";
import { usage } from "../../../server/src/domain/usage.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let db: TestDatabase;
let server: Server;
let base: string;
let book: PriceBook;

/** The router mounted as the app mounts it: under /api, JSON bodies, errors as {error:{type,message}}. */
beforeAll(async () => {
  db = await createTestDatabase();
  await seedPrices(db.pool);
  book = await PriceBook.load(db.pool);
  const app = express();
  const api = express.Router();
  api.use(express.json());
  api.use(pricesRouter({ prisma: db.prisma, pool: db.pool, priceBook: book }));
  app.use("/api", api);
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const e =
      err instanceof TollgateError
        ? err
        : (err as { status?: number }).status === 400
          ? new TollgateError("invalid_request", (err as Error).message)
          : toTollgateError(err);
    res.status(e.status).type("application/json").send(errorJson(e));
  };
  app.use(onError);
  server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  const calls = [
    ["gpt-9", "2026-11-01T00:00:00Z", "reported"],
    ["gpt-9", "2026-11-02T00:00:00Z", "estimated"],
    ["mystery", "2026-11-03T00:00:00Z", "reported"],
    ["gpt-4o-mini", "2026-11-03T00:00:00Z", "reported"],
    ["failed-before-usage", "2026-11-03T00:00:00Z", "none"],
  ] as const;
  for (const [model, at, usageSource] of calls) {
    await db.pool.query(
      `INSERT INTO calls (id, started_at, provider, endpoint, model, app, stream, status, outcome, usage_source, cost_usd, priced,
         latency_ms, overhead_ms, request_bytes, response_bytes)
       VALUES ($1, $2, 'openai', '/v1/chat/completions', $3, 'test', false, 200, 'ok', $6, $4, $5, 1, 1, 1, 1)`,
      [randomUUID(), at, model, model === "gpt-4o-mini" ? "0.1" : null, model === "gpt-4o-mini", usageSource],
    );
  }
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await db?.drop();
});

const post = (body: unknown) =>
  fetch(`${base}/prices`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("GET /api/prices", () => {
  it("pages the table (limit, offset) and searches provider and model, with the total matching", async () => {
    type Page = {
      prices: Array<{ id: string; provider: string; model: string }>;
      total: number;
      offset: number;
      limit: number;
      nextOffset: number | null;
    };
    const first = (await (await fetch(`${base}/prices`)).json()) as Page;
    expect([first.prices.length, first.offset, first.limit, first.nextOffset]).toEqual([100, 0, 100, 100]);
    const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM prices");
    expect(first.total).toBe(rows[0]!.n);
    const all = (await (await fetch(`${base}/prices?limit=1000`)).json()) as Page;
    const second = (await (await fetch(`${base}/prices?limit=100&offset=100`)).json()) as Page;
    expect(second.prices.map((p) => p.id)).toEqual(all.prices.slice(100, 200).map((p) => p.id));
    const last = (await (await fetch(`${base}/prices?limit=50&offset=${first.total - 10}`)).json()) as Page;
    expect([last.prices.length, last.nextOffset]).toEqual([10, null]);
    const found = (await (await fetch(`${base}/prices?search=MISTRAL%20mistral-large`)).json()) as Page;
    expect(found.total).toBeGreaterThan(0);
    expect(found.prices.every((p) => p.provider === "mistral" && p.model.startsWith("mistral-large"))).toBe(true);
    for (const [q, name] of [
      ["limit=0", "limit"],
      ["limit=1001", "limit"],
      ["offset=-1", "offset"],
      ["limit=ten", "limit"],
    ]) {
      const res = await fetch(`${base}/prices?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message, q).toMatch(new RegExp(`^${name}:`));
    }
  });

  it("lists unpriced models first, with counts and last seen, then the table with money as strings", async () => {
    const res = await fetch(`${base}/prices?search=openai%20gpt-4o-mini`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { unpriced: unknown[]; prices: Array<Record<string, unknown>> };
    expect(Object.keys(body)).toEqual(["unpriced", "prices", "total", "offset", "limit", "nextOffset"]);
    expect(body.unpriced).toEqual([
      { provider: "openai", model: "gpt-9", calls: 2, lastSeen: "2026-11-02T00:00:00.000Z" },
      { provider: "openai", model: "mystery", calls: 1, lastSeen: "2026-11-03T00:00:00.000Z" },
    ]);
    const mini = body.prices.find((p) => p.provider === "openai" && p.model === "gpt-4o-mini");
    expect(mini).toEqual({
      id: expect.any(String),
      provider: "openai",
      model: "gpt-4o-mini",
      matchType: "exact",
      serviceTier: null,
      effectiveFrom: "1970-01-01T00:00:00.000Z",
      inputUsdPerMTok: "0.15",
      cachedInputUsdPerMTok: "0.075",
      cacheWriteUsdPerMTok: null,
      cacheWrite1hUsdPerMTok: null,
      outputUsdPerMTok: "0.6",
      inputAudioUsdPerMTok: null,
      outputAudioUsdPerMTok: null,
      tiers: null,
      dailyStartUtc: null,
      dailyEndUtc: null,
      source: "genai-prices",
    });
    const filtered = (await (await fetch(`${base}/prices?provider=mistral&limit=1000`)).json()) as { prices: Array<{ provider: string }> };
    expect(filtered.prices.length).toBeGreaterThan(10);
    expect(new Set(filtered.prices.map((p) => p.provider))).toEqual(new Set(["mistral"]));
  });
});

describe("POST /api/prices", () => {
  it("adds an effective-dated manual row, reloads the book and returns 201 with the row", async () => {
    const at = new Date("2026-11-20T00:00:00Z");
    expect(
      priceCall(book, { provider: "openai", model: "gpt-9", startedAt: at, serviceTier: null, usage: usage({ inputTokens: 1000 }) }).priced,
    ).toBe(false);
    const res = await post({
      provider: "openai",
      model: "gpt-9",
      effectiveFrom: "2026-11-01T00:00:00Z",
      inputUsdPerMTok: "1.25",
      cachedInputUsdPerMTok: "0.125",
      outputUsdPerMTok: 10,
      tiers: [{ aboveInputTokens: 272000, inputUsdPerMTok: "2.5" }],
    });
    expect(res.status).toBe(201);
    const row = (await res.json()) as Record<string, unknown>;
    expect(row).toMatchObject({
      id: expect.stringMatching(/^manual:/),
      provider: "openai",
      model: "gpt-9",
      matchType: "exact",
      serviceTier: null,
      effectiveFrom: "2026-11-01T00:00:00.000Z",
      inputUsdPerMTok: "1.25",
      cachedInputUsdPerMTok: "0.125",
      outputUsdPerMTok: "10",
      tiers: [{ aboveInputTokens: 272000, inputUsdPerMTok: "2.5" }],
      source: "manual",
    });
    const priced = priceCall(book, {
      provider: "openai",
      model: "gpt-9",
      startedAt: at,
      serviceTier: null,
      usage: usage({ inputTokens: 1000, outputTokens: 100 }),
    });
    expect(priced).toMatchObject({ costUsd: "0.00225", priceId: row.id, priced: true });
    // before its effective date the row does not apply
    expect(
      priceCall(book, {
        provider: "openai",
        model: "gpt-9",
        startedAt: new Date("2026-10-01T00:00:00Z"),
        serviceTier: null,
        usage: usage({}),
      }).priced,
    ).toBe(false);
    const listed = (await (await fetch(`${base}/prices?provider=openai&search=gpt-9`)).json()) as {
      prices: Array<{ id: string; inputUsdPerMTok: string }>;
    };
    expect(listed.prices.find((p) => p.id === row.id)?.inputUsdPerMTok).toBe("1.25");
  });

  it("rejects invalid rows with 400 naming the field", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ model: "x", effectiveFrom: "2026-01-01", inputUsdPerMTok: "1", outputUsdPerMTok: "1" }, /^provider: /],
      [
        { provider: "openai", model: "x", effectiveFrom: "yesterday", inputUsdPerMTok: "1", outputUsdPerMTok: "1" },
        /^effectiveFrom: must be an ISO-8601 time/,
      ],
      [
        { provider: "openai", model: "x", effectiveFrom: "2026-01-01", inputUsdPerMTok: "-1", outputUsdPerMTok: "1" },
        /^inputUsdPerMTok: must be non-negative/,
      ],
      [
        { provider: "openai", model: "x", effectiveFrom: "2026-01-01", inputUsdPerMTok: "1e-3", outputUsdPerMTok: "1" },
        /^inputUsdPerMTok: must be a decimal/,
      ],
      [{ provider: "openai", model: "x", effectiveFrom: "2026-01-01", inputUsdPerMTok: "1" }, /^outputUsdPerMTok: /],
      [
        { provider: "openai", model: "x", matchType: "glob", effectiveFrom: "2026-01-01", inputUsdPerMTok: "1", outputUsdPerMTok: "1" },
        /^matchType: /,
      ],
      [
        {
          provider: "openai",
          model: "x",
          effectiveFrom: "2026-01-01",
          inputUsdPerMTok: "1",
          outputUsdPerMTok: "1",
          tiers: [{ inputUsdPerMTok: "2" }],
        },
        /^tiers\.0\.aboveInputTokens: /,
      ],
      [
        { provider: "openai", model: "[", matchType: "regex", effectiveFrom: "2026-01-01", inputUsdPerMTok: "1", outputUsdPerMTok: "1" },
        /^model: is not a valid regular expression/,
      ],
      [
        {
          provider: "openai",
          model: "x",
          effectiveFrom: "2026-01-01",
          inputUsdPerMTok: "1",
          outputUsdPerMTok: "1",
          dailyStartUtc: "01:00",
        },
        /^dailyEndUtc: dailyStartUtc and dailyEndUtc go together/,
      ],
      [
        {
          provider: "openai",
          model: "x",
          effectiveFrom: "2026-01-01",
          inputUsdPerMTok: "1",
          outputUsdPerMTok: "1",
          dailyStartUtc: "25:00",
          dailyEndUtc: "01:00",
        },
        /^dailyStartUtc: must be a UTC time of day/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { type: string; message: string } };
      expect(json.error.type).toBe("invalid_request");
      expect(json.error.message).toMatch(message);
    }
    const bad = await fetch(`${base}/prices`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe("invalid_request");
  });
});

import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type ReportSource } from "../../../server/src/config.ts";
import { reconcile } from "../../../server/src/reconciliation/reconcile.ts";
import type { Reconciliation } from "../../../server/src/reconciliation/report.ts";
import { runCli } from "../../../server/src/cli/run.ts";
import { PROVIDER_SETTLE_MS } from "../../../server/src/reconciliation/reasons.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { startFakeAnthropic } from "../../support/fake-anthropic.ts";
import { startFakeOpenAi } from "../../support/fake-openai.ts";
import { startFakeAnthropicOrg, startFakeOpenAiOrg, type FakeOrgReports } from "../../support/fake-org-reports.ts";
import type { FakeServer } from "../../support/fake-server.ts";
import { eventually } from "../../support/tollgate.ts";
import { createKey, recordedCalls, startReplica, type Replica } from "../access/harness.ts";
import {
  ANTHROPIC_ADMIN_KEY,
  anthropicLedger,
  BYPASS_ANTHROPIC,
  BYPASS_OPENAI,
  DAY_MS,
  dayText,
  OPENAI_ADMIN_KEY,
  openAiLedger,
  PROVIDER_PRICES,
  utcDay,
  writePriceConfig,
} from "./harness.ts";

let db: TestDatabase;
let openaiFake: FakeServer;
let anthropicFake: FakeServer;
let openaiOrg: FakeOrgReports;
let anthropicOrg: FakeOrgReports;
let tg: Replica;
let env: Record<string, string>;
let sources: ReportSource[];
const today = utcDay(new Date());
const from = new Date(today.getTime() - 2 * DAY_MS);
const to = new Date(today.getTime() + DAY_MS);
const apiOutputs: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  [openaiFake, anthropicFake] = await Promise.all([startFakeOpenAi(), startFakeAnthropic()]);
  // One bucket per page: a three-day fetch takes three pages of every report.
  [openaiOrg, anthropicOrg] = await Promise.all([
    startFakeOpenAiOrg({ adminKey: OPENAI_ADMIN_KEY, prices: PROVIDER_PRICES, maxBucketsPerPage: 1 }),
    startFakeAnthropicOrg({ adminKey: ANTHROPIC_ADMIN_KEY, prices: PROVIDER_PRICES, maxBucketsPerPage: 1 }),
  ]);
  env = {
    OPENAI_API_KEY: "sk-held-openai-recon-11112222333344445555",
    ANTHROPIC_API_KEY: "sk-ant-held-recon-66667777888899990000",
    TOLLGATE_UPSTREAM_OPENAI: openaiFake.url,
    TOLLGATE_UPSTREAM_ANTHROPIC: anthropicFake.url,
    OPENAI_ADMIN_KEY,
    ANTHROPIC_ADMIN_KEY,
    TOLLGATE_RECONCILE_OPENAI_URL: openaiOrg.url,
    TOLLGATE_RECONCILE_ANTHROPIC_URL: anthropicOrg.url,
    TOLLGATE_RECONCILE_OPENAI_HELD_KEY_ID: "key_held_openai",
    // Fetched on demand here; the background schedule has its own test.
    TOLLGATE_RECONCILE_INTERVAL_MS: "0",
    TOLLGATE_CONFIG: writePriceConfig(),
  };
  sources = loadConfig({ ...env, DATABASE_URL: db.url }).reconcile.sources;
  tg = await startReplica(db, env);
});

afterAll(async () => {
  await tg?.close();
  await Promise.all([openaiFake?.close(), anthropicFake?.close(), openaiOrg?.close(), anthropicOrg?.close()]);
  await db?.drop();
});

async function report(query: string): Promise<Reconciliation> {
  const res = await tg.admin(`/api/reconciliation?${query}`);
  const text = await res.text();
  apiOutputs.push(text);
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Reconciliation;
}

const fetchNow = () => reconcile(tg.tollgate.db.prisma, sources, { from, to, http: { backoffMs: 5 } });
const range = `from=${dayText(from)}&to=${dayText(to)}`;

describe("reconciliation with the providers' own reports", () => {
  it("calls through Tollgate and straight to the provider: lag, then unmetered traffic, price drift, unpriced", async () => {
    const openaiKey = await createKey(tg, { app: "recon-app", provider: "openai" });
    const anthropicKey = await createKey(tg, { app: "recon-app", provider: "anthropic" });
    const viaTollgate = new OpenAI({ apiKey: openaiKey.key, baseURL: `${tg.url}/openai/v1`, maxRetries: 0 });
    const direct = new OpenAI({ apiKey: BYPASS_OPENAI, baseURL: `${openaiFake.url}/v1`, maxRetries: 0 });
    const ask = (client: OpenAI, model: string) => client.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] });
    for (let i = 0; i < 3; i++) await ask(viaTollgate, "recon-a");
    for (let i = 0; i < 2; i++) await ask(viaTollgate, "recon-b");
    await ask(viaTollgate, "recon-unpriced");
    for (let i = 0; i < 2; i++) await ask(direct, "recon-a"); // the bypass
    const claudeVia = new Anthropic({ apiKey: anthropicKey.key, baseURL: `${tg.url}/anthropic`, maxRetries: 0 });
    const claudeDirect = new Anthropic({ apiKey: BYPASS_ANTHROPIC, baseURL: anthropicFake.url, maxRetries: 0 });
    const message = (c: Anthropic) =>
      c.messages.create({ model: "claude-sonnet-4-5-20250929", max_tokens: 64, messages: [{ role: "user", content: "hi" }] });
    await message(claudeVia);
    await message(claudeVia);
    await message(claudeDirect);
    await eventually(async () => expect(await recordedCalls(tg)).toHaveLength(8));

    // The providers' reports do not show the calls yet: Tollgate is ahead, and the day was fetched just now.
    await fetchNow();
    const early = await report(`${range}&groupBy=model`);
    const todays = early.rows.filter((r) => r.day === dayText(today));
    expect(todays.map((r) => [r.provider, r.model, r.reason])).toEqual([
      ["anthropic", "claude-sonnet-4-5-20250929", "provider_lag"],
      ["openai", "recon-a", "provider_lag"],
      ["openai", "recon-b", "provider_lag"],
      ["openai", "recon-unpriced", "provider_lag"],
    ]);
    expect(early.freshness.filter((f) => f.provider === "openai").map((f) => [f.day, f.complete])).toEqual([
      [dayText(from), true],
      // Yesterday is complete once the provider had an hour to settle it (not in the first hour after midnight UTC).
      [dayText(new Date(today.getTime() - DAY_MS)), Date.now() >= today.getTime() + PROVIDER_SETTLE_MS],
      [dayText(today), false],
    ]);

    // Now they do, bypass included; a 429 (retry-after 0) and a 500, then a 529, are retried.
    openaiOrg.events.push(...openAiLedger(openaiFake, new Date()));
    anthropicOrg.events.push(...anthropicLedger(anthropicFake, new Date()));
    openaiOrg.faults.push({ status: 429, retryAfter: "0" }, { status: 500 });
    anthropicOrg.faults.push({ status: 529 });
    openaiOrg.hits.clear();
    anthropicOrg.hits.clear();
    const fetched = await fetchNow();
    expect(fetched.map((f) => [f.provider, f.days, f.usageRows, f.costRows])).toEqual([
      ["openai", 3, 4, 9], // usage: recon-a by two keys, recon-b, recon-unpriced; costs: 3 models × (input, cached input, output)
      ["anthropic", 3, 2, 5], // usage: two keys; costs: uncached, cache read, 5m and 1h writes, output
    ]);
    expect(Object.fromEntries(openaiOrg.hits)).toEqual({
      "/v1/organization/usage/completions": 5, // 3 pages + the 429 + the 500
      "/v1/organization/usage/embeddings": 3,
      "/v1/organization/costs": 3,
    });
    expect(Object.fromEntries(anthropicOrg.hits)).toEqual({
      "/v1/organizations/usage_report/messages": 4,
      "/v1/organizations/cost_report": 3,
    });

    const byModel = await report(`${range}&groupBy=model`);
    const row = (provider: string, model: string) =>
      byModel.rows.find((r) => r.provider === provider && r.model === model && r.day === dayText(today))!;
    const a = row("openai", "recon-a");
    expect(a.reason).toBe("unmetered_traffic");
    expect(a.requests).toEqual({ tollgate: "3", provider: "5", diff: "2", pct: "40" });
    expect(a.inputTokens).toEqual({ tollgate: "3600", provider: "6000", diff: "2400", pct: "40" });
    expect(a.cachedInputTokens).toEqual({ tollgate: "1200", provider: "2000", diff: "800", pct: "40" });
    expect(a.outputTokens).toEqual({ tollgate: "900", provider: "1500", diff: "600", pct: "40" });
    expect(a.costUsd).toEqual({ tollgate: "0.0066", provider: "0.011", diff: "0.0044", pct: "40" });

    const b = row("openai", "recon-b");
    expect(b.reason).toBe("price_drift");
    expect(b.inputTokens.diff).toBe("0");
    expect(b.costUsd).toEqual({ tollgate: "0.0096", provider: "0.0088", diff: "-0.0008", pct: "-9.09" });

    const unpriced = row("openai", "recon-unpriced");
    expect(unpriced.reason).toBe("unpriced_in_tollgate");
    expect(unpriced.unpricedCalls).toBe("1");
    expect(unpriced.costUsd).toEqual({ tollgate: "0", provider: "0.0057", diff: "0.0057", pct: "100" });

    const claude = row("anthropic", "claude-sonnet-4-5-20250929");
    expect(claude.reason).toBe("unmetered_traffic");
    expect(claude.requests).toEqual({ tollgate: "2", provider: null, diff: null, pct: null }); // Anthropic's report counts no requests
    expect(claude.inputTokens).toEqual({ tollgate: "48400", provider: "72600", diff: "24200", pct: "33.33" });
    expect(claude.cacheWriteTokens).toEqual({ tollgate: "6000", provider: "9000", diff: "3000", pct: "33.33" });
    expect(claude.cacheWrite1hTokens).toEqual({ tollgate: "2000", provider: "3000", diff: "1000", pct: "33.33" });
    expect(claude.costUsd).toEqual({ tollgate: "0.0612", provider: "0.0918", diff: "0.0306", pct: "33.33" });

    // Per day: the bypass still shows; per key: the traffic from the key Tollgate does not hold.
    const byDay = await report(`${range}&groupBy=day&provider=openai`);
    expect(byDay.rows.map((r) => [r.day, r.reason, r.requests.diff])).toEqual([[dayText(today), "unmetered_traffic", "2"]]);
    const byKey = await report(`${range}&groupBy=key`);
    const keys = byKey.rows.map((r) => [r.provider, r.apiKeyId, r.project, r.held, r.reason, r.requests.tollgate, r.requests.provider]);
    expect(keys).toEqual([
      ["anthropic", "apikey_01BypassAnthropic", "wrkspc_01Recon", false, "key_unmapped", null, null],
      ["anthropic", "apikey_01HeldAnthropic", "wrkspc_01Recon", false, "key_unmapped", null, null],
      ["anthropic", "held", undefined, true, "key_unmapped", "2", null],
      ["openai", "key_bypass_openai", "proj_default", false, "key_not_held", null, "2"],
      // Cost reports do not break down by key: per key, requests and tokens are compared.
      ["openai", "key_held_openai", "proj_default", true, "match", "6", "6"],
    ]);

    const csv = await tg.admin(`/api/reconciliation.csv?${range}&groupBy=model&provider=openai`);
    const text = await csv.text();
    apiOutputs.push(text);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toContain(
      "day,provider,model,api_key_id,held,project,reason,requests_tollgate,requests_provider,requests_diff,requests_pct",
    );
    expect(lines.find((l) => l.includes(",recon-b,"))).toContain(",price_drift,2,2,0,0,");
    expect(lines.find((l) => l.includes(",recon-b,"))).toContain(",0.0096,0.0088,-0.0008,-9.09,");
  });

  it("re-fetching replaces the stored days exactly", async () => {
    const snapshot = async () =>
      (
        await db.pool.query<{ j: string }>(
          `SELECT json_agg(t ORDER BY t::text)::text AS j FROM (SELECT provider, bucket_start, model, api_key_id, requests, input_tokens, output_tokens FROM provider_usage) t`,
        )
      ).rows[0]!.j +
      (
        await db.pool.query<{ j: string }>(
          `SELECT json_agg(t ORDER BY t::text)::text AS j FROM (SELECT provider, day, line_item, amount_usd::text FROM provider_costs) t`,
        )
      ).rows[0]!.j;
    const before = await snapshot();
    await fetchNow();
    expect(await snapshot()).toBe(before);

    // The provider revises the day (the bypass calls are gone from its books): the stored rows follow exactly.
    openaiOrg.events.splice(0, openaiOrg.events.length, ...openaiOrg.events.filter((e) => e.apiKeyId !== "key_bypass_openai"));
    await fetchNow();
    const { rows } = await db.pool.query<{ requests: string; n: string }>(
      `SELECT sum(requests)::text AS requests, count(*)::text AS n FROM provider_usage WHERE provider = 'openai' AND model = 'recon-a'`,
    );
    expect(rows[0]).toEqual({ requests: "3", n: "1" });
    const byModel = await report(`${range}&groupBy=model&provider=openai`);
    expect(byModel.rows.find((r) => r.model === "recon-a")!.reason).toBe("match");
  });

  it("the CLI fetches on demand", async () => {
    const printed: string[] = [];
    const code = await runCli(
      ["reconcile", "--from", dayText(today), "--to", dayText(to), "--provider", "anthropic", "--hourly"],
      { ...env, DATABASE_URL: db.url },
      (l) => void printed.push(l),
    );
    expect(code, printed.join("\n")).toBe(0);
    const out = JSON.parse(printed.join("\n")) as { fetched: Array<{ provider: string; days: number }> };
    expect(out.fetched.map((f) => [f.provider, f.days])).toEqual([["anthropic", 1]]);
    // --hourly stores the hour buckets too: the calls all fell in one hour, with the day's totals.
    const { rows } = await db.pool.query<{ bucket_width: string; output: string }>(
      `SELECT bucket_width, sum(output_tokens)::text AS output FROM provider_usage WHERE provider = 'anthropic' GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { bucket_width: "1d", output: "1500" },
      { bucket_width: "1h", output: "1500" },
    ]);
    apiOutputs.push(printed.join("\n"));

    const none: string[] = [];
    expect(
      await runCli(["reconcile", "--from", dayText(today), "--to", dayText(to)], { DATABASE_URL: db.url }, (l) => void none.push(l)),
    ).toBe(1);
    expect(none.join("\n")).toContain("no admin key set");
  });

  it("admin keys never reach the database, the logs or the API", async () => {
    const wrong = await startFakeOpenAiOrg({ adminKey: "some-other-key", prices: {} });
    // A provider that rejects the key: the error (which may echo the request) must not carry it.
    const bad = loadConfig({ ...env, DATABASE_URL: db.url, TOLLGATE_RECONCILE_OPENAI_URL: wrong.url }).reconcile.sources.filter(
      (s) => s.provider === "openai",
    );
    const err = await reconcile(tg.tollgate.db.prisma, bad, { from: today, to }).catch((e: Error) => e);
    await wrong.close();
    expect(String((err as Error).message)).toContain("answered 401");
    tg.tollgate.logger.warn({ err: (err as Error).message }, "provider report fetch failed");
    apiOutputs.push(await (await fetch(`${tg.url}/metrics`)).text());
    await tg.tollgate.recorder.flush();

    const { rows: tables } = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    let dump = "";
    for (const { table_name } of tables)
      dump += (await db.pool.query<{ j: string }>(`SELECT coalesce(json_agg(t)::text, '') AS j FROM "${table_name}" t`)).rows[0]!.j;
    expect(dump).toContain("key_held_openai");
    for (const secret of [OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY]) {
      expect(dump.includes(secret), "database").toBe(false);
      expect(tg.logs.join("").includes(secret), "logs").toBe(false);
      expect(apiOutputs.join("").includes(secret), "API output").toBe(false);
    }
  });
});

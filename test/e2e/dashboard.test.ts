// The dashboard end to end in headless Chromium: real Tollgate (real Postgres), fake OpenAI and Anthropic
// upstreams, mixed traffic through the proxy; every page is opened, its numbers checked against the
// reporting API, and a screenshot saved (docs/screenshots with UPDATE_SCREENSHOTS=1). Any page error or console error fails.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type {
  Budget,
  BudgetsResponse,
  CallDetail,
  CallsPage,
  CreatedKey,
  FailuresResponse,
  KeysResponse,
  LatencyResponse,
  PricesResponse,
  SpendResponse,
} from "../../dashboard/src/api.ts";
import { budgetUsage, forecastVerdict } from "../../dashboard/src/lib/budgets.ts";
import { formatCount, formatMs, formatPercent } from "../../dashboard/src/lib/format.ts";
import { formatUsd, sumDecimals } from "../../dashboard/src/lib/money.ts";
import { prettyBody } from "../../dashboard/src/pages/CallFields.tsx";
import type { ReconciliationResponse } from "../../dashboard/src/lib/reconciliation.ts";
import { startFakeAnthropic } from "../support/fake-anthropic.ts";
import { startFakeOpenAiOrg, type FakeOrgReports } from "../support/fake-org-reports.ts";
import type { FakeServer } from "../support/fake-server.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../support/fake-openai.ts";
import { startTestTollgate, type TestTollgate } from "../support/tollgate.ts";
import { explainMissingBrowser, HAVE_BROWSER, openWatchedPage, type WatchedPage } from "./browser.ts";
import { generateTraffic, UNPRICED_MODEL } from "./traffic.ts";
import type { StatementResponse } from "../../dashboard/src/api.ts";
import { change, formatChangePercent, signed } from "../../dashboard/src/lib/compare.ts";
import { insertCalls } from "../../server/src/recording/call-writer.ts";
import { financeHistory } from "./finance-history.ts";
import { csvObjects } from "../server/api/fixtures.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
// The README's screenshots are refreshed on purpose (UPDATE_SCREENSHOTS=1); a plain test run writes them
// under test/artifacts so it leaves the work tree clean.
const SHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? join(ROOT, "docs", "screenshots") : join(ROOT, "test", "artifacts", "screenshots");
const ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef";
const SUITE = "dashboard in Chromium";

explainMissingBrowser(SUITE);

describe.skipIf(!HAVE_BROWSER)(SUITE, () => {
  let openai: FakeOpenAi;
  let anthropic: FakeServer;
  let tg: TestTollgate;
  let openaiOrg: FakeOrgReports;
  let w: WatchedPage;
  let page: Page;
  let authRequired = false;

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${tg.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  async function apiSend<T>(method: string, path: string, body: unknown): Promise<T> {
    const res = await fetch(`${tg.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  const asked = (pathname: string, groupBy?: string) => w.asked(pathname, groupBy);
  const settled = () => w.settled();
  const text = async (testId: string) => (await page.getByTestId(testId).first().textContent())?.trim() ?? "";
  async function shot(name: string, fullPage = true): Promise<void> {
    await page.mouse.move(0, 0); // no tooltip left open under the pointer
    await page.waitForTimeout(150); // let the charts settle
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  }

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(ROOT, "scripts", "ensure-build.mjs")], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`building the dashboard failed:\n${build.stdout}\n${build.stderr}`);
    expect(existsSync(join(ROOT, "dashboard", "dist", "index.html"))).toBe(true);
    mkdirSync(SHOTS, { recursive: true });

    openai = await startFakeOpenAi();
    anthropic = await startFakeAnthropic();
    openaiOrg = await startFakeOpenAiOrg({
      adminKey: "sk-admin-e2e-0123456789abcdef",
      prices: { "gpt-4o-mini-2024-07-18": { input: "0.15", cachedInput: "0.075", output: "0.6" } },
    });
    tg = await startTestTollgate({
      TOLLGATE_UPSTREAM_OPENAI: openai.url,
      TOLLGATE_UPSTREAM_ANTHROPIC: anthropic.url,
      TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN,
      OPENAI_ADMIN_KEY: "sk-admin-e2e-0123456789abcdef",
      TOLLGATE_RECONCILE_OPENAI_URL: openaiOrg.url,
      TOLLGATE_RECONCILE_INTERVAL_MS: "0",
    });
    await generateTraffic(tg.url);
    await tg.tollgate.recorder.flush();
    authRequired = (await fetch(`${tg.url}/api/calls?limit=1`)).status === 401;

    w = await openWatchedPage();
    page = w.page;
  }, 120_000);

  // every step fails on a page error or console error that happened during it
  afterEach(() => {
    const seen = w.takeProblems();
    expect(seen, "page errors or console errors").toEqual([]);
  });

  afterAll(async () => {
    await w?.close();
    await tg?.close();
    await openai?.close();
    await anthropic?.close();
    await openaiOrg?.close();
  });

  it("asks for the admin token, signs in, then shows Spend matching /api/spend", async () => {
    // with TOLLGATE_ADMIN_TOKEN set the reporting API and dashboard require it
    expect(authRequired).toBe(true);
    w.allowUnauthorized = true; // until signed in, refused requests are the point
    await page.goto(`${tg.url}/`);
    await page.getByTestId("login-form").waitFor();
    await page.getByTestId("login-token").fill("wrong-token-0123456789");
    await page.getByTestId("login-submit").click();
    expect(await page.getByTestId("login-error").textContent()).toBe("That token is not right.");
    await page.getByTestId("login-token").fill(ADMIN_TOKEN);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("login-form").waitFor({ state: "detached" });
    w.allowUnauthorized = false;
    await page.getByTestId("spend-total").waitFor();
    await page.getByTestId("top-apps-row").first().waitFor();
    await settled();

    const spend = await api<SpendResponse>(asked("/api/spend", "provider"));
    const apps = await api<SpendResponse>(asked("/api/spend", "app"));
    expect(Date.parse(spend.to) - Date.parse(spend.from)).toBe(24 * 3600_000);
    expect(spend.totals.calls).toBe(21);
    expect(await text("spend-total")).toBe(formatUsd(spend.totals.costUsd));
    expect(await text("spend-calls")).toBe(formatCount(spend.totals.calls));
    expect(await text("spend-unpriced")).toBe(formatCount(spend.totals.unpricedCalls));
    expect(spend.totals.unpricedCalls).toBeGreaterThanOrEqual(3);
    expect(await text("unpriced-banner")).toContain(`${spend.totals.unpricedCalls} calls in this range had no matching price`);

    // one bar series per provider, drawn in the current hour's bucket
    expect(spend.groups.map((g) => g.key).sort()).toEqual(["anthropic", "openai"]);
    expect(await page.locator("[data-testid=spend-chart] .recharts-bar").count()).toBe(2);
    expect(await page.locator("[data-testid=spend-chart] .recharts-bar-rectangle path").count()).toBe(
      spend.series.filter((r) => Number(r.costUsd) > 0).length,
    );
    expect(await page.getByTestId("spend-chart").getAttribute("data-categories")).toBe(spend.groups.map((g) => g.key).join("|"));

    const rows = page.getByTestId("top-apps-row");
    expect(await rows.count()).toBe(3);
    for (let i = 0; i < 3; i++) {
      const cells = await rows.nth(i).locator("td").allTextContents();
      const cost = await rows.nth(i).getByTestId("top-apps-cost").textContent();
      expect([cells[0], cost, cells[3]]).toEqual([
        apps.groups[i]!.key,
        formatUsd(apps.groups[i]!.costUsd),
        formatCount(apps.groups[i]!.calls),
      ]);
    }

    await shot("spend");
    const csv = await page.getByTestId("spend-csv").getAttribute("href");
    const download = await page.evaluate(async (href) => {
      const res = await fetch(href!, { credentials: "same-origin" });
      return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
    }, csv);
    expect(download.status).toBe(200);
    expect(download.type).toMatch(/text\/csv/);
    expect(download.body.split("\n")[0]).toMatch(/bucket/);
  }, 60_000);

  it("goes from a failure spike to the failing call's error body in three clicks", async () => {
    await page.getByTestId("nav-failures").click(); // click 1
    await page.getByTestId("failures-count").waitFor();
    await settled();
    const failures = await api<FailuresResponse>(asked("/api/failures", "provider"));
    expect(failures.totals.failures).toBe(4); // 2 × OpenAI 429, 1 × Anthropic 529, 1 × OpenAI 500
    expect(await text("failures-count")).toBe(formatCount(failures.totals.failures));
    expect(await text("failures-rate")).toBe(formatPercent(failures.totals.errorRate));
    const outcomes = await page
      .getByTestId("outcome-row")
      .evaluateAll((rows) =>
        rows.map((r) => [r.getAttribute("data-outcome"), r.querySelector("[data-testid=outcome-count]")?.textContent]),
      );
    expect(Object.fromEntries(outcomes)).toEqual(
      Object.fromEntries(
        Object.entries(failures.totals.byOutcome)
          .filter(([, n]) => n > 0)
          .map(([o, n]) => [o, formatCount(n)]),
      ),
    );
    expect(await page.getByTestId("top-error-row").count()).toBe(failures.topErrors.length);
    await shot("failures");

    // the spike: the bar of the current hour
    const bars = page.locator("[data-testid=failures-chart] .recharts-bar-rectangle");
    await bars.last().click(); // click 2
    await page.waitForFunction(() => window.location.hash.includes("range=custom"));
    await page.getByTestId("top-error-last-call").first().waitFor();
    const zoomed = page.getByTestId("top-error-last-call").first();
    const href = (await zoomed.getAttribute("href")) ?? "";
    const callId = decodeURIComponent(href.replace(/^#\/calls\//, "").replace(/\?.*$/, ""));
    await zoomed.click(); // click 3
    await page.getByTestId("error-body").waitFor();
    const call = await api<CallDetail>(`/api/calls/${encodeURIComponent(callId)}`);
    expect(call.outcome).not.toBe("ok");
    expect(call.errorBody).toBeTruthy();
    expect(await page.getByTestId("error-body").textContent()).toBe(prettyBody(call.errorBody!));
    expect(await text("call-status")).toBe(String(call.status));
    await shot("call-detail");
  }, 60_000);

  it("shows Latency percentiles matching /api/latency and links the slowest calls", async () => {
    await page.getByTestId("nav-latency").click();
    // the Failures zoom carried a one-hour custom range along; go back to the last 24 hours
    expect(await page.getByTestId("range-custom").getAttribute("aria-pressed")).toBe("true");
    await page.getByTestId("range-24h").click();
    await page.waitForFunction(() => !window.location.hash.includes("range="));
    await page.getByTestId("latency-p50").waitFor();
    await settled();
    const latency = await api<LatencyResponse>(asked("/api/latency", "provider"));
    expect(Date.parse(latency.to) - Date.parse(latency.from)).toBe(24 * 3600_000);
    expect(await text("latency-calls")).toBe(formatCount(latency.totals.calls));
    expect(await text("latency-p50")).toBe(formatMs(latency.totals.latencyMs.p50));
    expect(await text("latency-p90")).toBe(formatMs(latency.totals.latencyMs.p90));
    expect(await text("latency-p99")).toBe(formatMs(latency.totals.latencyMs.p99));
    expect(await text("ttft-p50")).toBe(formatMs(latency.totals.ttftMs.p50));
    // One series per group drawn (a group's partial last hour adds a dashed segment, so lines are not counted).
    const drawn = (await page.getByTestId("latency-chart").getAttribute("data-categories"))?.split("|") ?? [];
    expect(drawn.length).toBe(Math.min(6, latency.groups.length));
    expect(await page.locator("[data-testid=latency-chart] .recharts-line").count()).toBeGreaterThanOrEqual(drawn.length);
    expect(await page.getByTestId("slowest-row").count()).toBe(latency.slowest.length);
    expect(latency.slowest.length).toBeGreaterThan(0);
    await shot("latency");
    await page.getByTestId("slowest-link").first().click();
    await page.getByTestId("call-id").waitFor();
    expect(await text("call-id")).toBe(latency.slowest[0]!.id);
  }, 60_000);

  it("lists Calls as /api/calls does, filters them, and opens a call's detail", async () => {
    await page.getByTestId("nav-calls").click();
    await page.getByTestId("calls-row").first().waitFor();
    await settled();
    const all = await api<CallsPage>(asked("/api/calls"));
    expect(all.calls).toHaveLength(21);
    const ids = await page.getByTestId("calls-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-call-id")));
    expect(ids).toEqual(all.calls.map((c) => c.id));
    await shot("calls");

    // the app filter suggests the known apps as you type (GET /api/suggest) and flags an unknown one
    await page.getByTestId("filter-app").fill("bat");
    await expect
      .poll(() =>
        page
          .getByTestId("filter-app-options")
          .locator("option")
          .evaluateAll((os) => os.map((o) => o.getAttribute("value"))),
      )
      .toEqual(["batch"]);
    await page.getByTestId("filter-app").fill("bacth");
    await page.getByTestId("filter-app-unknown").waitFor();
    await page.getByTestId("filter-app").fill("batch");
    await page.getByTestId("filter-apply").click();
    await page.waitForFunction(() => window.location.hash.includes("app=batch"));
    await expect.poll(() => page.getByTestId("calls-row").count()).toBe(4);
    await settled();
    const batchPath = asked("/api/calls");
    expect(new URL(batchPath, "http://x").searchParams.get("app")).toBe("batch");
    const batch = await api<CallsPage>(batchPath);
    expect(batch.calls.map((c) => c.app)).toEqual(["batch", "batch", "batch", "batch"]);
    expect(await page.getByTestId("calls-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-call-id")))).toEqual(
      batch.calls.map((c) => c.id),
    );
    const unpriced = batch.calls.find((c) => c.model === UNPRICED_MODEL)!;
    await page.locator(`[data-testid=calls-row][data-call-id="${unpriced.id}"]`).click();
    await page.getByTestId("call-fields").waitFor();
    expect(await text("call-cost")).toBe("unpriced");
    expect(await text("call-id")).toBe(unpriced.id);
    expect(await page.getByTestId("field-model").locator("dd").textContent()).toBe(UNPRICED_MODEL);
    expect(await text("tokens-input")).toBe(formatCount(unpriced.inputTokens));
  }, 60_000);

  it("lists unpriced models first on Prices and adds a price for one", async () => {
    await page.getByTestId("nav-prices").click();
    await page.getByTestId("unpriced-row").first().waitFor();
    const before = await api<PricesResponse>("/api/prices");
    const gpt9 = before.unpriced.find((u) => u.model === UNPRICED_MODEL)!;
    expect(gpt9.calls).toBe(3);
    const row = page.getByTestId("unpriced-row").filter({ hasText: UNPRICED_MODEL });
    expect(await row.getByTestId("unpriced-calls").textContent()).toBe("3");
    await shot("prices", false); // the seeded price table is long

    await row.getByRole("button").click();
    expect(await page.getByTestId("price-model").inputValue()).toBe(UNPRICED_MODEL);
    await page.getByTestId("price-inputUsdPerMTok").fill("1.5");
    await page.getByTestId("price-outputUsdPerMTok").fill("6");
    await page.getByTestId("price-submit").click();
    await page.getByTestId("price-saved").waitFor();
    const after = await api<PricesResponse>(`/api/prices?search=${UNPRICED_MODEL}`);
    const added = after.prices.find((p) => p.model === UNPRICED_MODEL);
    expect(added).toMatchObject({ provider: "openai", matchType: "exact" });
    expect(Number(added!.inputUsdPerMTok)).toBe(1.5);
    expect(Number(added!.outputUsdPerMTok)).toBe(6);
  }, 60_000);

  it("shows Budgets with the figures of /api/budgets after budgets are set through the API", async () => {
    // an app budget that the next calls spend against, and a budget on a virtual key of another app
    await apiSend<Budget>("PUT", "/api/budgets/search", { monthlyUsd: "0.0012", action: "alert" });
    const key = await apiSend<CreatedKey>("POST", "/api/keys", { app: "chat", provider: "anthropic" });
    await apiSend<Budget>("PUT", "/api/budgets/chat", { monthlyUsd: "1234.5", action: "block", keyId: key.id });
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${tg.url}/openai/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-e2e-test-key-0123456789", "x-tollgate-app": "search" },
        body: JSON.stringify({ model: "gpt-4o-mini", max_tokens: 64, messages: [{ role: "user", content: "budgeted" }] }),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    await expect
      .poll(async () => {
        await tg.tollgate.access.budgets.drain();
        return (await api<BudgetsResponse>("/api/budgets")).budgets.find((b) => b.app === "search")?.reservedUsd;
      })
      .toBe("0");

    // Every call of the walk so far recorded, estimates included: a budget counts all of its period's calls,
    // so one recorded late (a cut stream waiting for its estimate) would move it between page and API.
    await expect.poll(() => tg.tollgate.app.proxy.inFlight()).toBe(0);
    await tg.tollgate.estimator.drain(20_000);
    await tg.tollgate.recorder.flush();
    await page.getByTestId("nav-budgets").click();
    await page.getByTestId("budget-row").first().waitFor();
    await page.getByTestId("key-row").first().waitFor();
    await settled();
    const { month, budgets } = await api<BudgetsResponse>("/api/budgets");
    const search = budgets.find((b) => b.id === "app:search")!;
    expect(Number(search.spentUsd)).toBeGreaterThan(0); // the three calls were counted
    expect(await text("budgets-month")).toContain(month.slice(0, 4));
    const shown = await page.getByTestId("budget-row").evaluateAll((rows) =>
      rows.map((r) => {
        const t = (id: string) => r.querySelector(`[data-testid=${id}]`)?.textContent ?? null;
        return {
          id: r.getAttribute("data-budget-id"),
          level: r.getAttribute("data-level"),
          app: t("budget-app-cell"),
          key: t("budget-key"),
          action: t("budget-action-cell"),
          limit: t("budget-limit"),
          spent: t("budget-spent"),
          reserved: t("budget-reserved"),
          remaining: t("budget-remaining"),
          share: t("budget-share"),
          // the forecast moves with the clock: compare its verdict (the amounts are checked in the API tests)
          exceeds: t("budget-forecast-verdict") !== "on track",
        };
      }),
    );
    expect(shown).toEqual(
      budgets.map((b) => {
        const u = budgetUsage(b);
        return {
          id: b.id,
          level: u.level,
          app: b.app,
          key: b.keyId ? `${key.prefix}…` : "whole app",
          action: b.action,
          limit: formatUsd(b.monthlyUsd),
          spent: formatUsd(b.spentUsd),
          reserved: formatUsd(b.reservedUsd),
          remaining: formatUsd(b.remainingUsd),
          share: formatPercent(u.share),
          exceeds: forecastVerdict(b).exceeds,
        };
      }),
    );
    // which budgets will be exceeded this period: the small app budget, not the key's
    expect(shown.map((r) => r.exceeds)).toEqual([false, true]);
    expect(shown.map((r) => r.id)).toEqual([`key:${key.id}`, "app:search"]);
    const keys = await api<KeysResponse>("/api/keys");
    expect(await page.getByTestId("key-prefix").allTextContents()).toEqual(keys.keys.map((k) => `${k.prefix}…`));
    expect(await page.content()).not.toContain(key.key); // the secret is never listed
    await shot("budgets");

    // a key made on the page: its secret is shown once, copies to the clipboard, and is gone once dismissed
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: tg.url });
    await page.getByTestId("key-app").fill("batch");
    await page.getByTestId("key-submit").click();
    const secret = await page.getByTestId("new-key-secret").inputValue();
    expect(secret).toMatch(/^tg_/);
    await page.getByTestId("new-key-copy").click();
    expect(await text("new-key-copied")).toBe("Copied to the clipboard.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    const made = (await api<KeysResponse>("/api/keys")).keys.find((k) => k.app === "batch")!;
    expect(secret.startsWith(made.prefix)).toBe(true);
    await page.getByTestId("new-key-done").click();
    await expect.poll(() => page.getByTestId("key-prefix").allTextContents()).toContain(`${made.prefix}…`);
    expect(await page.content()).not.toContain(secret);
  }, 60_000);

  it("shows Reconciliation matching /api/reconciliation, with the provider's extra traffic as drift", async () => {
    // The provider's books: 40 gpt-4o-mini calls today, more than went through Tollgate.
    openaiOrg.events.push({
      time: new Date(),
      model: "gpt-4o-mini-2024-07-18",
      apiKeyId: "key_e2e",
      requests: 40,
      inputTokens: 48_000,
      cachedInputTokens: 16_000,
      outputTokens: 12_000,
    });
    expect(await tg.tollgate.reconcileSchedule.runOnce()).toBe(true);

    await page.getByTestId("nav-reconciliation").click();
    await page.getByTestId("reconciliation-row").first().waitFor();
    await settled();
    const day = await api<ReconciliationResponse>(asked("/api/reconciliation", "day"));
    expect(await text("reconciliation-drift")).toBe(formatUsd(sumDecimals(day.rows.map((r) => r.costUsd.diff))));
    const byModel = await api<ReconciliationResponse>(asked("/api/reconciliation", "model"));
    const mini = byModel.rows.find((r) => r.provider === "openai" && r.model === "gpt-4o-mini-2024-07-18")!;
    expect(mini.reason).toBe("unmetered_traffic");
    expect(await page.getByTestId("reconciliation-reason").allTextContents()).toContain("Unmetered traffic");
    expect(await page.content()).not.toContain("sk-admin-e2e");
    await shot("reconciliation");
  }, 60_000);

  it("answers the finance questions: each team's spend last month, against the month before, and its statement", async () => {
    const pool = tg.tollgate.db.pool;
    await insertCalls(pool, financeHistory());
    const sql = async (q: string, params: unknown[] = []) => (await pool.query(q, params)).rows as Array<Record<string, string>>;
    const teamCost = async (from: string, to: string) =>
      new Map(
        (
          await sql(
            `SELECT properties->>'team' AS team, coalesce(sum(cost_usd), 0)::text AS cost, count(*)::text AS calls FROM calls
        WHERE started_at >= $1 AND started_at < $2 GROUP BY 1`,
            [from, to],
          )
        ).map((r) => [r.team ?? "(none)", r]),
      );

    // what each team spent last month, and how that compares with the month before (no filters left from
    // the steps before)
    await page.goto(`${tg.url}/#/spend`);
    await page.getByTestId("spend-total").waitFor();
    await page.getByTestId("range-last-month").click();
    await page.waitForFunction(() => window.location.hash.includes("range=last-month"));
    await page.getByTestId("groupby-property").fill("team");
    await page.getByTestId("groupby-property-apply").click();
    await page.waitForFunction(() => decodeURIComponent(window.location.hash).includes("groupBy=property:team"));
    await page.getByTestId("breakdown-delta").first().waitFor();
    await settled();
    const spend = await api<SpendResponse>(asked("/api/spend", "property:team"));
    expect([spend.from, spend.to, spend.compare?.from, spend.compare?.to]).toEqual([
      "2026-11-01T00:00:00.000Z",
      "2026-12-01T00:00:00.000Z",
      "2026-10-01T00:00:00.000Z",
      "2026-11-01T00:00:00.000Z",
    ]);
    expect(spend.compare?.comparable).toBe(true);
    const nov = await teamCost("2026-11-01", "2026-12-01");
    const oct = await teamCost("2026-10-01", "2026-11-01");
    const rows = await page.getByTestId("breakdown-row").evaluateAll((trs) =>
      trs.map((r) => {
        const t = (id: string) => r.querySelector(`[data-testid=${id}]`)?.textContent ?? null;
        return {
          team: t("breakdown-dim"),
          cost: t("breakdown-cost"),
          previous: t("breakdown-previous"),
          delta: t("breakdown-delta"),
          pct: t("breakdown-delta-pct"),
        };
      }),
    );
    const teams = [...new Set([...nov.keys(), ...oct.keys()])];
    expect(rows.map((r) => r.team).sort()).toEqual(teams.sort());
    for (const r of rows) {
      const now = nov.get(r.team!)?.cost ?? "0";
      const before = oct.get(r.team!)?.cost ?? "0";
      const c = change(now, before);
      expect(r, r.team!).toEqual({
        team: r.team,
        cost: formatUsd(now),
        previous: formatUsd(before),
        delta: signed(c.deltaUsd, formatUsd),
        pct: formatChangePercent(c.ratio),
      });
    }
    // the team that grew most is first among the growers, read straight from the table
    const [sumNov] = await sql(`SELECT sum(cost_usd)::text AS c FROM calls WHERE started_at >= '2026-11-01' AND started_at < '2026-12-01'`);
    expect(await text("breakdown-total-cost")).toBe(formatUsd(sumNov!.c));
    // tooltips: series by value, largest first, with their total
    await page.locator("[data-testid=spend-chart] .recharts-bar-rectangle").first().hover();
    await page.getByTestId("chart-tooltip").waitFor();
    const tip = await page.getByTestId("chart-tooltip-row").allTextContents();
    expect(tip.length).toBeGreaterThan(0);
    await shot("spend-teams");

    // the month before last is only partly covered on a fresh install: the page warns instead of showing growth
    await page.getByTestId("range-mtd").click();
    await page.waitForFunction(() => window.location.hash.includes("range=mtd"));
    await page.getByTestId("breakdown-row").first().waitFor();
    await settled();
    const mtd = await api<SpendResponse>(asked("/api/spend", "property:team"));
    expect(mtd.compare?.from).toBe("2026-11-01T00:00:00.000Z");

    // the statement for one team, last month: per model equal to SQL over calls; printable; CSV exact
    await page.getByTestId("range-last-month").click();
    await page.getByTestId("breakdown-row").first().waitFor();
    await page.getByTestId("spend-statement").click();
    await page.getByTestId("statement-prop").fill("team=research");
    await page.getByTestId("statement-apply").click();
    await page.waitForFunction(() => decodeURIComponent(window.location.hash).includes("prop=team=research"));
    await page.getByTestId("statement-line").first().waitFor();
    await settled();
    const statement = await api<StatementResponse>(asked("/api/statement"));
    expect(statement.month).toBe("2026-11");
    const perModel =
      await sql(`SELECT coalesce(model, '(none)') AS model, count(*)::text AS calls, coalesce(sum(cost_usd), 0)::text AS cost,
        count(*) FILTER (WHERE NOT priced AND usage_source <> 'none')::text AS unpriced
      FROM calls WHERE properties->>'team' = 'research' AND started_at >= '2026-11-01' AND started_at < '2026-12-01' GROUP BY 1`);
    const shown = await page
      .getByTestId("statement-line")
      .evaluateAll((trs) =>
        trs.map((r) => [r.getAttribute("data-model"), r.querySelector("[data-testid=statement-line-cost]")?.textContent]),
      );
    expect(new Map(shown as Array<[string, string]>)).toEqual(new Map(perModel.map((r) => [r.model, formatUsd(r.cost)])));
    const [team] =
      await sql(`SELECT sum(cost_usd)::text AS cost, count(*)::text AS calls, count(*) FILTER (WHERE NOT priced AND usage_source <> 'none')::text AS unpriced
      FROM calls WHERE properties->>'team' = 'research' AND started_at >= '2026-11-01' AND started_at < '2026-12-01'`);
    expect(await text("statement-total-cost")).toBe(formatUsd(team!.cost));
    expect(await text("statement-total-calls")).toBe(formatCount(Number(team!.calls)));
    expect(await text("statement-total-unpriced")).toBe(formatCount(Number(team!.unpriced)));
    expect(Number(team!.unpriced)).toBeGreaterThan(0);
    await shot("statement");
    const csvHref = await page.getByTestId("statement-csv").getAttribute("href");
    const file = await page.evaluate(async (href) => {
      const res = await fetch(href!, { credentials: "same-origin" });
      return { disposition: res.headers.get("content-disposition"), body: await res.text() };
    }, csvHref);
    expect(file.disposition).toBe('attachment; filename="tollgate-statement-2026-11-team-research.csv"');
    const lines = csvObjects(file.body);
    expect(lines.at(-1)).toMatchObject({ provider: "TOTAL", costUsd: statement.totals.costUsd, calls: team!.calls });
    expect(Number(statement.totals.costUsd)).toBe(Number(team!.cost)); // exact: both decimal strings of the same sum
    expect(statement.totals.costUsd).toBe(String(team!.cost).replace(/\.?0+$/, ""));

    // close November from the dashboard; the audit log shows it, by the dashboard session
    await page.getByTestId("nav-books").click();
    await page.getByTestId("books-month").fill("2026-11");
    await page.getByTestId("books-close").click();
    await page.getByTestId("books-closed-row").first().waitFor();
    await page.getByTestId("audit-row").first().waitFor();
    expect(await page.getByTestId("audit-row").first().textContent()).toContain("dashboard");
    expect(await page.getByTestId("audit-row").first().textContent()).toContain("2026-11/close");
    await shot("books");
  }, 90_000);
});

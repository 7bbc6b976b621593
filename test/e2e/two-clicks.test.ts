// The dashboard's two engineer questions, each answered in two clicks from the landing page, on a desktop
// (1440 px) and on a phone (390 px), in headless Chromium against real Tollgate and real Postgres with mixed
// traffic: the slowest model by p95 (Latency → by model: it is the first row and on the chart), and the
// failing calls of the last 15 minutes by status code (Failures → a status: exactly those calls in the log).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CallsPage, LatencyResponse } from "../../dashboard/src/api.ts";
import { startFakeAnthropic } from "../support/fake-anthropic.ts";
import type { FakeServer } from "../support/fake-server.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../support/fake-openai.ts";
import { startTestTollgate, type TestTollgate } from "../support/tollgate.ts";
import { explainMissingBrowser, HAVE_BROWSER, openWatchedPage, type WatchedPage } from "./browser.ts";
import { generateTraffic } from "./traffic.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const SUITE = "dashboard: the slowest model and the last 15 minutes' failures in two clicks";
const FIFTEEN_MINUTES = 15 * 60_000;

explainMissingBrowser(SUITE);

const SCREENS = [
  { name: "desktop", width: 1440, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

describe.skipIf(!HAVE_BROWSER)(SUITE, () => {
  let openai: FakeOpenAi;
  let anthropic: FakeServer;
  let tg: TestTollgate;
  let w: WatchedPage;
  let page: Page;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(ROOT, "scripts", "ensure-build.mjs")], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`building the dashboard failed:\n${build.stdout}\n${build.stderr}`);
    openai = await startFakeOpenAi();
    anthropic = await startFakeAnthropic();
    tg = await startTestTollgate({ TOLLGATE_UPSTREAM_OPENAI: openai.url, TOLLGATE_UPSTREAM_ANTHROPIC: anthropic.url });
    await generateTraffic(tg.url);
    await tg.tollgate.recorder.flush();
    w = await openWatchedPage();
    page = w.page;
  }, 120_000);

  afterEach(() => {
    expect(w.takeProblems(), "page errors or console errors").toEqual([]);
  });

  it("serves React's production build, also when built under vitest (NODE_ENV=test)", () => {
    // ensure-build rebuilds a stale dashboard for `npm start`; a development build here would be served too.
    const assets = readdirSync(join(ROOT, "dashboard", "dist", "assets"));
    expect(assets.filter((name) => name.includes("jsx-dev-runtime"))).toEqual([]);
  });

  afterAll(async () => {
    await w?.close();
    await tg?.close();
    await openai?.close();
    await anthropic?.close();
  });

  const api = async <T>(path: string): Promise<T> => (await fetch(`${tg.url}${path}`)).json() as Promise<T>;

  /** Opens the landing page cold; returns a click that counts itself (a tap on a phone). */
  async function land(
    screen: (typeof SCREENS)[number],
  ): Promise<{ click: (testId: string, nth?: number) => Promise<void>; clicks: () => number }> {
    await page.setViewportSize({ width: screen.width, height: screen.height });
    await page.goto(`${tg.url}/`);
    await page.getByTestId("page-spend").waitFor();
    await w.settled();
    let n = 0;
    return {
      async click(testId, nth = 0) {
        const target = page.getByTestId(testId).nth(nth);
        await target.scrollIntoViewIfNeeded();
        const box = await target.boundingBox();
        // on the screen, not beside it: a phone cannot click what is off to the side
        expect(box, `${testId} has a box`).not.toBeNull();
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width, `${testId} fits the ${screen.width} px screen`).toBeLessThanOrEqual(screen.width);
        await target.click();
        n += 1;
      },
      clicks: () => n,
    };
  }

  for (const screen of SCREENS) {
    it(`finds the slowest model by p95 in two clicks on a ${screen.name} (${screen.width} px)`, async () => {
      const { click, clicks } = await land(screen);
      await click("nav-latency");
      // (Spend has a "model" button too: wait for the Latency page's)
      await page.getByTestId("page-latency").getByTestId("groupby-model").waitFor();
      await click("groupby-model");
      await page.waitForFunction(() => location.hash.includes("groupBy=model"));
      await w.settled();
      expect(clicks()).toBe(2);

      // the slowest by p95 of the very answer the page showed
      const answer = await api<LatencyResponse>(w.asked("/api/latency", "model"));
      expect(answer.groups.length).toBeGreaterThan(1);
      const slowest = [...answer.groups].sort((a, b) => (b.latencyMs.p95 ?? -1) - (a.latencyMs.p95 ?? -1))[0]!;
      const rows = page.getByTestId("latency-group-row");
      await expect(rows.first().locator("td").first().innerText()).resolves.toBe(slowest.key);
      // sorted by p95, slowest first, and said so to assistive tech
      await expect(page.getByTestId("sort-lat_p95").locator("xpath=..").getAttribute("aria-sort")).resolves.toBe("descending");
      // drawn on the chart (the chart follows the slowest groups)
      await expect(rows.first().getByTestId("latency-group-chart").isChecked()).resolves.toBe(true);
      const charted = (await page.getByTestId("latency-chart").getAttribute("data-categories"))?.split("|");
      expect(charted).toContain(slowest.key);
      // the hour still running is marked partial, as on the other charts
      const buckets = await page.getByTestId("latency-chart").getAttribute("data-rows");
      expect(Number(buckets)).toBeGreaterThan(0);
      await expect(page.getByTestId("latency-chart").getAttribute("data-partial")).resolves.toMatch(/^\d{4}-\d\d-\d\dT\d\d:00/);
      await expect(page.getByTestId("latency-chart-panel").getByTestId("chart-partial-note").isVisible()).resolves.toBe(true);
    });

    it(`lists the failing calls of the last 15 minutes by status code in two clicks on a ${screen.name} (${screen.width} px)`, async () => {
      const { click, clicks } = await land(screen);
      await click("nav-failures");
      await page.getByTestId("page-failures").waitFor();
      const first = page.getByTestId("recent-failures-status").first();
      await first.waitFor();
      const status = Number(await first.getAttribute("data-status"));
      const shownCount = Number(await first.getAttribute("data-count"));
      await click("recent-failures-status");
      await page.getByTestId("page-calls").waitFor();
      await w.settled();
      expect(clicks()).toBe(2);

      // the call log's view: last 15 minutes, any failure, that status
      const hash = new URLSearchParams(await page.evaluate(() => location.hash.split("?")[1] ?? ""));
      expect(Object.fromEntries(hash)).toMatchObject({ range: "15m", outcome: "failed", status: String(status) });
      expect(status).toBeGreaterThanOrEqual(400);

      // the rows are exactly the page's answer, and that answer is what was asked: failed, that status, in 15 min
      const asked = w.asked("/api/calls");
      const q = new URL(asked, tg.url).searchParams;
      expect(Date.parse(q.get("to")!) - Date.parse(q.get("from")!)).toBe(FIFTEEN_MINUTES);
      const answer = await api<CallsPage>(asked);
      const shown = await page.getByTestId("calls-row").evaluateAll((trs) => trs.map((r) => r.getAttribute("data-call-id")));
      expect(shown).toEqual(answer.calls.map((c) => c.id));
      expect(shown.length).toBe(shownCount);
      for (const c of answer.calls) {
        expect(c.status).toBe(status);
        expect(c.outcome).not.toBe("ok");
        expect(Date.parse(c.startedAt)).toBeGreaterThanOrEqual(Date.parse(q.get("from")!));
      }
      // and complete: every failed call of that window with that status, counted apart from the filter
      const all = await api<CallsPage>(`/api/calls?from=${q.get("from")}&to=${q.get("to")}&limit=500`);
      const expected = all.calls.filter((c) => c.outcome !== "ok" && c.status === status).map((c) => c.id);
      expect(expected.length).toBeGreaterThan(0);
      expect(shown).toEqual(expected);
      // the table itself says so, row by row
      const cells = await page
        .getByTestId("calls-row")
        .evaluateAll((trs) => trs.map((r) => [r.querySelector(".badge")?.textContent, r.children[5]?.textContent]));
      for (const [outcome, code] of cells) {
        expect(outcome).not.toBe("ok");
        expect(code).toBe(String(status));
      }
    });
  }
});

// Every dashboard page in headless Chromium, as a phone and a desktop, light and dark: axe-core finds no
// WCAG A/AA violation, no page scrolls sideways at 390 px, every nav link can be reached and followed there,
// and the theme toggle is remembered. Real Tollgate and real Postgres with mixed traffic behind it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CallsPage } from "../../dashboard/src/api.ts";
import { PAGES } from "../../dashboard/src/lib/url-state.ts";
import { startFakeAnthropic } from "../support/fake-anthropic.ts";
import type { FakeServer } from "../support/fake-server.ts";
import { startFakeOpenAi, type FakeOpenAi } from "../support/fake-openai.ts";
import { startTestTollgate, type TestTollgate } from "../support/tollgate.ts";
import { explainMissingBrowser, HAVE_BROWSER, openWatchedPage, type WatchedPage } from "./browser.ts";
import { generateTraffic } from "./traffic.ts";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const SUITE = "dashboard layout and accessibility in Chromium";

explainMissingBrowser(SUITE);

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core's WCAG 2.x A and AA rules over the whole page; each violation with the elements it found. */
async function axeViolations(page: Page): Promise<Violation[]> {
  // evaluated through the DevTools protocol, so the dashboard's CSP (no inline scripts) does not apply
  if (!(await page.evaluate("typeof window.axe !== 'undefined'"))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            opts: unknown,
          ): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
  });
}

describe.skipIf(!HAVE_BROWSER)(SUITE, () => {
  let openai: FakeOpenAi;
  let anthropic: FakeServer;
  let tg: TestTollgate;
  let w: WatchedPage;
  let page: Page;
  let callId = "";
  let routes: string[] = [];

  async function open(route: string): Promise<void> {
    await page.goto(`${tg.url}/#/${route}`);
    await page.locator("main.content").waitFor();
    await page.getByTestId("page-loading").waitFor({ state: "detached" });
    await w.settled();
    await page.locator(".state:has-text('Loading')").first().waitFor({ state: "detached" });
  }

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(ROOT, "scripts", "ensure-build.mjs")], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) throw new Error(`building the dashboard failed:\n${build.stdout}\n${build.stderr}`);
    openai = await startFakeOpenAi();
    anthropic = await startFakeAnthropic();
    tg = await startTestTollgate({ TOLLGATE_UPSTREAM_OPENAI: openai.url, TOLLGATE_UPSTREAM_ANTHROPIC: anthropic.url });
    await generateTraffic(tg.url);
    await tg.tollgate.recorder.flush();
    const calls = (await (await fetch(`${tg.url}/api/calls?limit=1`)).json()) as CallsPage;
    callId = calls.calls[0]?.id ?? "";
    expect(callId).not.toBe("");
    routes = [...PAGES, `calls/${callId}`];
    w = await openWatchedPage();
    page = w.page;
  }, 120_000);

  afterEach(() => {
    expect(w.takeProblems(), "page errors or console errors").toEqual([]);
  });

  afterAll(async () => {
    await w?.close();
    await tg?.close();
    await openai?.close();
    await anthropic?.close();
  });

  for (const scheme of ["light", "dark"] as const) {
    it(`has no axe-core WCAG AA violation on any page in ${scheme} mode, charts shown as tables too`, async () => {
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      const found: Record<string, Violation[]> = {};
      for (const route of routes) {
        await open(route);
        const toggles = page.locator(".chart-toggle");
        let violations = await axeViolations(page);
        // the charts' table views are checked too
        for (let i = 0; i < (await toggles.count()); i++) await toggles.nth(i).click();
        if ((await toggles.count()) > 0) violations = [...violations, ...(await axeViolations(page))];
        if (violations.length > 0) found[route] = violations;
      }
      expect(found).toEqual({});
    }, 180_000);
  }

  it("lays every page out at 390 px: nothing scrolls sideways, every nav link is reachable", async () => {
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 390, height: 844 });
    const wide: Record<string, number> = {};
    for (const route of routes) {
      await open(route);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      if (scrollWidth > innerWidth) wide[route] = scrollWidth;
    }
    expect(wide, "pages wider than the 390 px screen").toEqual({});

    // each nav link can be scrolled to inside the nav, is on screen and uncovered, and leads to its page
    await open("spend");
    for (const p of PAGES) {
      const link = page.getByTestId(`nav-${p}`);
      await link.scrollIntoViewIfNeeded();
      const box = await link.boundingBox();
      expect(box, `nav-${p} has a box`).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      // a trial click fails when the link is hidden, moving or covered by another element
      await link.click({ trial: true, timeout: 5_000 });
      await link.click();
      await page.waitForFunction((name) => location.hash.startsWith(`#/${name}`), p);
      await w.settled();
    }
  }, 180_000);

  it("folds the range and filters behind a button on a phone", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open("failures");
    await expect(page.locator("#toolbar-body").isVisible()).resolves.toBe(false);
    await page.getByTestId("toolbar-toggle").click();
    await expect(page.locator("#toolbar-body").isVisible()).resolves.toBe(true);
    const height = await page.locator(".toolbar").evaluate((e) => e.getBoundingClientRect().height);
    await page.getByTestId("toolbar-toggle").click();
    const folded = await page.locator(".toolbar").evaluate((e) => e.getBoundingClientRect().height);
    expect(folded).toBeLessThan(height);
    expect(folded).toBeLessThan(844 / 8);
  });

  it("keeps a call's detail within a 1440 px screen", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await open(`calls/${callId}`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
  });

  it("remembers the theme picked with the toggle over the system's", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: "light" });
    await open("spend");
    const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const light = await bg();
    await page.getByTestId("theme-toggle").selectOption("dark");
    const dark = await bg();
    expect(dark).not.toBe(light);
    await page.reload();
    await page.locator("main.content").waitFor();
    expect(await page.evaluate(() => document.documentElement.getAttribute("data-theme"))).toBe("dark");
    expect(await bg()).toBe(dark);
    await page.getByTestId("theme-toggle").selectOption("system");
    expect(await bg()).toBe(light);
  });
});

// Headless Chromium for browser tests: Debian's chromium via playwright-core, a page that
// records page errors, console errors and the API requests it makes, and a clear skip when the
// browser is absent (a failure under REQUIRE_BROWSER=1).
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { describe, it } from "vitest";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const HAVE_BROWSER = existsSync(CHROMIUM);

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Call at the top of a browser test file: says why it is skipped, or fails when a browser is required. */
export function explainMissingBrowser(suite: string): void {
  if (HAVE_BROWSER) return;
  const how = "install it with `apt-get install -y chromium` or set CHROMIUM_PATH";
  if (process.env.REQUIRE_BROWSER === "1") {
    describe(suite, () => {
      it("needs Chromium (REQUIRE_BROWSER=1)", () => {
        throw new Error(`No Chromium at ${CHROMIUM}; ${how}.`);
      });
    });
  } else {
    console.warn(`\n[e2e] SKIPPED "${suite}": no Chromium at ${CHROMIUM} (${how}; REQUIRE_BROWSER=1 makes this a failure).\n`);
  }
}

export interface WatchedPage {
  browser: Browser;
  page: Page;
  /** page errors and console errors not yet taken by takeProblems() */
  takeProblems(): string[];
  /** while true, "401" console errors (requests refused before signing in) are expected, not problems */
  allowUnauthorized: boolean;
  /**
   * The last path and query the page asked for on an endpoint (with that groupBy), so a test can ask the
   * API the very same question — same window, same interval — and compare the answers.
   */
  asked(pathname: string, groupBy?: string): string;
  /** waits until no request is in flight and no refresh is shown in progress */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function openWatchedPage(): Promise<WatchedPage> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: "UTC" });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000); // a missing element fails with its name, well before the test's timeout
  const problems: string[] = [];
  const requested: string[] = [];
  const watched: WatchedPage = {
    browser,
    page,
    allowUnauthorized: false,
    takeProblems: () => problems.splice(0),
    asked(pathname, groupBy) {
      const hit = requested
        .filter((p) => {
          const u = new URL(p, "http://x");
          return u.pathname === pathname && (groupBy === undefined || u.searchParams.get("groupBy") === groupBy);
        })
        .at(-1);
      if (!hit)
        throw new Error(`the page never asked for ${pathname}${groupBy ? ` by ${groupBy}` : ""}; it asked for ${requested.join(", ")}`);
      return hit;
    },
    async settled() {
      await page.waitForLoadState("networkidle");
      await page.locator(".refreshing").first().waitFor({ state: "detached" });
    },
    close: () => browser.close(),
  };
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    if (watched.allowUnauthorized && /status of 401/.test(msg.text())) return;
    problems.push(`console error: ${msg.text()}`);
  });
  page.on("request", (req) => {
    const u = new URL(req.url());
    if (u.pathname.startsWith("/api/")) requested.push(u.pathname + u.search);
  });
  return watched;
}

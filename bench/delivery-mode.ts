/**
 * `npm run bench -- delivery --database-url URL`: what the dashboard costs a browser over a seeded database
 * (`npm run seed`). Tollgate runs as `npm start` runs it; each page is opened cold (a new browser context:
 * empty cache) in Debian's headless Chromium, and the Chrome DevTools protocol reports every response's
 * bytes on the wire and decoded. Per page:
 *   - initial transfer: compressed bytes of everything but /api/ answers loaded until the data is visible
 *     (HTML, scripts, styles, the page's and charts' chunks) — target ≤ 150 KB;
 *   - time to data: from navigation start until the page shows its data (its figures, chart or rows, no
 *     loading state left) — target ≤ 1 s;
 *   - the largest API answer, decoded (what the server sent before compression) — target ≤ 200 KB.
 */
import { existsSync } from "node:fs";
import pg from "pg";
import { chromium, type Browser } from "playwright-core";
import { startChild, type BenchChild } from "./child-ipc.ts";
import { existingDatabase } from "./database.ts";
import { printTable } from "./table.ts";

export interface DeliveryOptions {
  databaseUrl: string;
  runs: number;
  /** only pages whose name contains this */
  only?: string;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
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
const KB = 1024;
const TARGET_INITIAL = 150 * KB;
const TARGET_DATA_MS = 1_000;
const TARGET_API = 200 * KB;
const TIMEOUT_MS = 30_000;

interface PageCase {
  name: string;
  hash: string;
  /** each must match an element once the data is visible */
  data: string[];
  /** measured once whatever --runs says */
  once?: boolean;
}

/** The dashboard's pages, at their default view and at the heaviest common one (30 days, by user). */
function pageCases(callId: string | undefined, sessionId: string | undefined): PageCase[] {
  const chart = (id: string) => `[data-testid=${id}] .recharts-surface`;
  const cases: PageCase[] = [
    { name: "spend (24 h)", hash: "#/spend", data: ["[data-testid=spend-total]", chart("spend-chart")] },
    { name: "spend 30 d by app", hash: "#/spend?range=30d&groupBy=app", data: ["[data-testid=spend-total]", chart("spend-chart")] },
    {
      name: "failures (24 h)",
      hash: "#/failures",
      data: ["[data-testid=failures-count]", `${chart("failures-chart")}, [data-testid=no-failures]`],
    },
    {
      name: "failures 30 d",
      hash: "#/failures?range=30d",
      data: ["[data-testid=failures-count]", `${chart("failures-chart")}, [data-testid=no-failures]`],
    },
    { name: "latency (24 h)", hash: "#/latency", data: ["[data-testid=latency-p50]", chart("latency-chart")] },
    { name: "latency 30 d", hash: "#/latency?range=30d", data: ["[data-testid=latency-p50]", chart("latency-chart")] },
    { name: "calls (24 h)", hash: "#/calls", data: ["[data-testid=calls-row]"] },
    { name: "sessions (24 h)", hash: "#/sessions", data: ["[data-testid=sessions-row], [data-testid=empty]"] },
    { name: "prices", hash: "#/prices", data: ["[data-testid=prices]"] },
    { name: "budgets", hash: "#/budgets", data: ["[data-testid=page-budgets]"] },
    { name: "statement", hash: "#/statement", data: ["[data-testid=page-statement]"] },
    { name: "books", hash: "#/books", data: ["[data-testid=page-books]"] },
    { name: "reconciliation", hash: "#/reconciliation", data: ["[data-testid=page-reconciliation]"] },
  ];
  if (callId) cases.push({ name: "call detail", hash: `#/calls/${callId}`, data: ["[data-testid=call-fields]"] });
  if (sessionId)
    cases.push({ name: "session detail", hash: `#/sessions/${encodeURIComponent(sessionId)}`, data: ["[data-testid=session-detail]"] });
  // Last and once: it reads the range's raw calls, and a query still running after the page gave up keeps
  // Tollgate's connections busy for the pages after it.
  cases.push({
    name: "spend 30 d by user",
    hash: "#/spend?range=30d&groupBy=user",
    data: ["[data-testid=spend-total]", chart("spend-chart")],
    once: true,
  });
  return cases;
}

interface Response {
  url: string;
  encoded: number;
  decoded: number;
  done: boolean;
}

interface Load {
  dataMs: number;
  /** DOMContentLoaded: the entry script ran */
  domMs: number;
  /** the slowest API answer the data waited for, request to last byte */
  apiMs: number;
  initialBytes: number;
  apiBytes: number;
  largestApi: { path: string; decoded: number; encoded: number };
}

async function loadOnce(browser: Browser, base: string, c: PageCase): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: "UTC" });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    const responses = new Map<string, Response>();
    const entry = (id: string): Response => {
      let r = responses.get(id);
      if (!r) responses.set(id, (r = { url: "", encoded: 0, decoded: 0, done: false }));
      return r;
    };
    cdp.on("Network.responseReceived", (e) => void (entry(e.requestId).url = e.response.url));
    cdp.on("Network.dataReceived", (e) => void (entry(e.requestId).decoded += e.dataLength));
    cdp.on("Network.loadingFinished", (e) => {
      const r = entry(e.requestId);
      r.encoded = e.encodedDataLength;
      r.done = true;
    });
    const reached = await page.goto(`${base}/${c.hash}`, { waitUntil: "commit", timeout: TIMEOUT_MS }).then(
      () => true,
      () => false,
    );
    // Polled every animation frame in the page: the first frame where every data selector matches and no
    // loading state is left; performance.now() there is the time since navigation start.
    const shown =
      reached &&
      (await page
        .waitForFunction(
          (selectors: string[]) => {
            const w = window as unknown as { __dataAt?: number };
            const loading = document.querySelector("[data-testid=loading], [data-testid=page-loading], .refreshing");
            if (loading || !selectors.every((s) => document.querySelector(s))) return false;
            w.__dataAt ??= performance.now();
            return true;
          },
          c.data,
          { polling: "raf", timeout: TIMEOUT_MS },
        )
        .then(
          () => true,
          () => false,
        ));
    // a page that never showed its data within the timeout counts as the timeout (and fails)
    const dataMs = shown ? await page.evaluate(() => (window as unknown as { __dataAt: number }).__dataAt) : TIMEOUT_MS;
    // where the time went: scripts run (DOMContentLoaded), and the API answers the data waited for
    const timing = await page.evaluate((until: number) => {
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
      const api = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter(
        (e) => new URL(e.name).pathname.startsWith("/api/") && e.responseEnd <= until,
      );
      return { domMs: nav?.domContentLoadedEventEnd ?? NaN, apiMs: Math.max(0, ...api.map((e) => e.responseEnd - e.startTime)) };
    }, dataMs);
    const assets = [...responses.values()].filter((r) => r.done && !new URL(r.url || base).pathname.startsWith("/api/"));
    const initialBytes = assets.reduce((a, r) => a + r.encoded, 0);
    // API answers may still be arriving (a second panel's query): wait for the page to go quiet.
    await page.waitForLoadState("networkidle", { timeout: TIMEOUT_MS }).catch(() => {});
    const api = [...responses.values()].filter((r) => r.url && new URL(r.url).pathname.startsWith("/api/"));
    const largest = api.reduce((m, r) => (r.decoded > m.decoded ? r : m), { url: "", encoded: 0, decoded: 0, done: true });
    const u = largest.url ? new URL(largest.url) : undefined;
    return {
      dataMs,
      ...timing,
      initialBytes,
      apiBytes: api.reduce((a, r) => a + r.encoded, 0),
      largestApi: {
        path: u ? `${u.pathname}${u.searchParams.get("groupBy") ? ` by ${u.searchParams.get("groupBy")}` : ""}` : "–",
        decoded: largest.decoded,
        encoded: largest.encoded,
      },
    };
  } finally {
    await context.close();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? NaN;
};
const kb = (n: number): string => `${(n / KB).toFixed(1)} KB`;

export async function runDeliveryBench(o: DeliveryOptions): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  const db = await existingDatabase(o.databaseUrl);
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  let tollgate: BenchChild | undefined;
  let browser: Browser | undefined;
  try {
    const count = await pool.query<{ n: string }>("SELECT count(*)::text AS n FROM calls");
    const call = await pool.query<{ id: string }>("SELECT id FROM calls ORDER BY started_at DESC LIMIT 1");
    const session = await pool.query<{ id: string }>(
      "SELECT session_id AS id FROM calls WHERE session_id IS NOT NULL ORDER BY started_at DESC LIMIT 1",
    );
    tollgate = await startChild("./child-tollgate.mjs", {
      BENCH_UPSTREAM: "http://127.0.0.1:9",
      DATABASE_URL: db.url,
      TOLLGATE_TOKENIZER_PRELOAD: "false",
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    process.stdout.write(
      `delivery bench: ${Number(count.rows[0]?.n).toLocaleString("en-US")} calls; each page opened cold ${o.runs}× (median time to data)\n`,
    );
    const cases = pageCases(call.rows[0]?.id, session.rows[0]?.id).filter((c) => !o.only || c.name.includes(o.only));
    await loadOnce(browser, tollgate.url, cases[0] ?? pageCases(undefined, undefined)[0]!); // warms the server's caches and plans
    const rows: (string | number)[][] = [];
    let failed = 0;
    for (const c of cases) {
      const loads: Load[] = [];
      for (let i = 0; i < (c.once ? 1 : o.runs); i++) loads.push(await loadOnce(browser, tollgate.url, c));
      process.stderr.write(`  ${c.name}: ${loads.map((l) => Math.round(l.dataMs)).join(", ")} ms\n`);
      const dataMs = median(loads.map((l) => l.dataMs));
      const initial = Math.max(...loads.map((l) => l.initialBytes));
      const largest = loads.reduce((m, l) => (l.largestApi.decoded > m.largestApi.decoded ? l : m)).largestApi;
      const misses = [
        initial > TARGET_INITIAL ? "bytes" : "",
        dataMs > TARGET_DATA_MS ? "time" : "",
        largest.decoded > TARGET_API ? "api" : "",
      ].filter(Boolean);
      if (misses.length > 0) failed += 1;
      rows.push([
        c.name,
        kb(initial),
        dataMs >= TIMEOUT_MS ? `no data in ${TIMEOUT_MS / 1000} s` : dataMs,
        median(loads.map((l) => l.domMs)),
        median(loads.map((l) => l.apiMs)),
        `${kb(largest.decoded)} (${kb(largest.encoded)} sent) ${largest.path}`,
        kb(Math.max(...loads.map((l) => l.apiBytes))),
        misses.length ? `FAIL (${misses.join(", ")})` : "pass",
      ]);
    }
    printTable(
      "delivery — dashboard pages opened cold in headless Chromium",
      [
        "page",
        "initial transfer (≤ 150 KB)",
        "time to data ms (≤ 1,000)",
        "scripts ran ms",
        "slowest API ms",
        "largest API answer (≤ 200 KB decoded)",
        "API bytes sent",
        "result",
      ],
      rows,
    );
    process.stdout.write(`${rows.length - failed} of ${rows.length} pages meet every target\n`);
  } finally {
    await browser?.close().catch(() => {});
    await tollgate?.stop().catch(() => {});
    await pool.end();
    await db.close();
  }
}

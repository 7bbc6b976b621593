// The shell: header with navigation, range picker, filters and refresh; the current page; and the
// sign-in form whenever the API answers 401.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactElement } from "react";
import { onUnauthorized } from "./api.ts";
import { FilterBar } from "./components/FilterBar.tsx";
import { LoginForm } from "./components/LoginForm.tsx";
import { Nav } from "./components/Nav.tsx";
import { RefreshControl } from "./components/RefreshControl.tsx";
import { ReportsSourceNotice } from "./components/ReportsSourceNotice.tsx";
import { Segmented } from "./components/Segmented.tsx";
import { ThemeToggle } from "./components/ThemeToggle.tsx";
import { TimeRangePicker } from "./components/TimeRangePicker.tsx";
import { RefreshContext } from "./hooks/refresh.ts";
import { useRoute } from "./hooks/useRoute.ts";
import { INTERVALS } from "./lib/buckets.ts";
import { resolveRange } from "./lib/time-range.ts";
import { patchView } from "./lib/url-state.ts";
import type { PageProps } from "./pages/types.ts";
const BudgetsPage = lazy(() => import("./pages/BudgetsPage.tsx").then((m) => ({ default: m.BudgetsPage })));
const CallDetailPage = lazy(() => import("./pages/CallDetailPage.tsx").then((m) => ({ default: m.CallDetailPage })));
const CallsPage = lazy(() => import("./pages/CallsPage.tsx").then((m) => ({ default: m.CallsPage })));
const FailuresPage = lazy(() => import("./pages/FailuresPage.tsx").then((m) => ({ default: m.FailuresPage })));
const LatencyPage = lazy(() => import("./pages/LatencyPage.tsx").then((m) => ({ default: m.LatencyPage })));
const PricesPage = lazy(() => import("./pages/PricesPage.tsx").then((m) => ({ default: m.PricesPage })));
const SessionDetailPage = lazy(() => import("./pages/SessionDetailPage.tsx").then((m) => ({ default: m.SessionDetailPage })));
const SessionsPage = lazy(() => import("./pages/SessionsPage.tsx").then((m) => ({ default: m.SessionsPage })));
const ReconciliationPage = lazy(() => import("./pages/ReconciliationPage.tsx").then((m) => ({ default: m.ReconciliationPage })));
const SpendPage = lazy(() => import("./pages/SpendPage.tsx").then((m) => ({ default: m.SpendPage })));
const StatementPage = lazy(() => import("./pages/StatementPage.tsx").then((m) => ({ default: m.StatementPage })));
const BooksPage = lazy(() => import("./pages/BooksPage.tsx").then((m) => ({ default: m.BooksPage })));

export const REFRESH_SECONDS = 30;
const INTERVAL_CHOICES = ["auto", ...INTERVALS] as const;
const AUTO_KEY = "tollgate.autoRefresh";

function readAuto(): boolean {
  try {
    return window.localStorage.getItem(AUTO_KEY) !== "off";
  } catch {
    return true;
  }
}

export function App(): ReactElement {
  const { route, changedAt, navigate } = useRoute();
  const [auto, setAuto] = useState(readAuto);
  const [tick, setTick] = useState(0);
  const [refreshedAt, setRefreshedAt] = useState(() => Date.now());
  const [authEpoch, setAuthEpoch] = useState(0);
  const [needLogin, setNeedLogin] = useState(false);
  // on a phone the range and filters fold away behind a button (styles.css shows them on wider screens)
  const [toolbarOpen, setToolbarOpen] = useState(false);

  useEffect(() => onUnauthorized(() => setNeedLogin(true)), []);

  const refresh = useCallback(() => {
    setRefreshedAt(Date.now());
    setTick((t) => t + 1);
  }, []);

  useEffect(() => {
    if (!auto || needLogin) return;
    const timer = window.setInterval(refresh, REFRESH_SECONDS * 1000);
    return () => window.clearInterval(timer);
  }, [auto, needLogin, refresh]);

  // presets ("last 24 hours") are measured from the last refresh or from when the view opened
  const now = Math.max(refreshedAt, changedAt);
  const range = useMemo(() => resolveRange(route.view, now), [route.view, now]);
  const refreshState = useMemo(() => ({ tick, authEpoch, now }), [tick, authEpoch, now]);
  const props: PageProps = { view: route.view, range, go: navigate };
  const usesRange = !["prices", "budgets", "call", "statement", "books", "session"].includes(route.name);

  return (
    <RefreshContext.Provider value={refreshState}>
      <div className="app">
        <header className="topbar">
          <div className="brand">Tollgate</div>
          <Nav current={route.name} view={route.view} />
          <RefreshControl
            auto={auto}
            seconds={REFRESH_SECONDS}
            lastRefresh={now}
            onRefresh={refresh}
            onToggle={(on) => {
              setAuto(on);
              try {
                window.localStorage.setItem(AUTO_KEY, on ? "on" : "off");
              } catch {
                // private mode: the choice lasts for this tab only
              }
            }}
          />
          <ThemeToggle />
        </header>
        {usesRange ? (
          <div className={`toolbar${toolbarOpen ? " toolbar-open" : ""}`}>
            <button
              type="button"
              className="toolbar-toggle"
              aria-expanded={toolbarOpen}
              aria-controls="toolbar-body"
              data-testid="toolbar-toggle"
              onClick={() => setToolbarOpen((o) => !o)}
            >
              {toolbarOpen ? "Hide range and filters" : "Range and filters"}
            </button>
            <div className="toolbar-body" id="toolbar-body">
              <TimeRangePicker
                view={route.view}
                resolved={range}
                onChange={(c) => navigate(route.name, patchView(route.view, { range: c.range, from: c.from, to: c.to }))}
              />
              {route.name !== "calls" ? (
                <Segmented
                  label="Interval"
                  options={INTERVAL_CHOICES}
                  value={route.view.interval ?? "auto"}
                  testId="interval"
                  format={(i) => (i === "auto" ? `auto (${range.interval})` : i)}
                  onChange={(i) => navigate(route.name, patchView(route.view, { interval: i === "auto" ? null : i }))}
                />
              ) : null}
              <FilterBar view={route.view} page={route.name} onChange={(patch) => navigate(route.name, patchView(route.view, patch))} />
            </div>
          </div>
        ) : null}
        <main className="content">
          {needLogin ? null : <ReportsSourceNotice />}
          {/* each page (and recharts with the pages that chart) is its own chunk, loaded on first visit */}
          <Suspense
            fallback={
              <p className="state" data-testid="page-loading">
                Loading…
              </p>
            }
          >
            {route.name === "spend" ? <SpendPage {...props} /> : null}
            {route.name === "failures" ? <FailuresPage {...props} /> : null}
            {route.name === "latency" ? <LatencyPage {...props} /> : null}
            {route.name === "calls" ? <CallsPage {...props} /> : null}
            {route.name === "call" && route.id ? <CallDetailPage {...props} id={route.id} /> : null}
            {route.name === "sessions" ? <SessionsPage {...props} /> : null}
            {route.name === "session" && route.id ? <SessionDetailPage {...props} id={route.id} /> : null}
            {route.name === "prices" ? <PricesPage {...props} /> : null}
            {route.name === "budgets" ? <BudgetsPage {...props} /> : null}
            {route.name === "statement" ? <StatementPage {...props} /> : null}
            {route.name === "books" ? <BooksPage {...props} /> : null}
            {route.name === "reconciliation" ? <ReconciliationPage {...props} /> : null}
          </Suspense>
        </main>
        {needLogin ? (
          <LoginForm
            onSignedIn={() => {
              setNeedLogin(false);
              setAuthEpoch((n) => n + 1);
            }}
          />
        ) : null}
      </div>
    </RefreshContext.Provider>
  );
}

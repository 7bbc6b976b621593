// Renders the whole dashboard at a hash with the API stubbed and the clock fixed at 2026-11-26 12:00 UTC.
import { cleanup, render } from "@testing-library/react";
import { vi } from "vitest";
import { App } from "../../../dashboard/src/App.tsx";
import * as fx from "./fixtures.ts";
import { installResizeObserver, stubFetch, type Handler, type Recorded } from "./fetch-stub.ts";

export const NOW = "2026-11-26T12:00:00.000Z";

/** The default API: every route answers with its fixture. */
export const defaultApi: Handler = (url) => {
  const p = url.pathname;
  const groupBy = url.searchParams.get("groupBy");
  if (p === "/api/spend") return { body: groupBy === "app" ? fx.spendByApp : groupBy === "model" ? fx.spendByModel : fx.spend };
  if (p === "/api/failures") return { body: fx.failures };
  if (p === "/api/latency") return { body: fx.latency };
  if (p === "/api/calls") return { body: { calls: [fx.makeCall()], nextCursor: null } };
  if (p === "/api/calls/call-rl-1") return { body: fx.rateLimitedCall };
  if (p === "/api/prices") return { body: fx.pricesPage(fx.prices.unpriced, fx.prices.prices, url) };
  return undefined;
};

export function renderApp(hash: string, api: Handler = defaultApi): { calls: Recorded[] } {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(NOW));
  installResizeObserver();
  window.localStorage.clear();
  window.location.hash = hash;
  const calls = stubFetch(api);
  render(<App />);
  return { calls };
}

export function teardown(): void {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  window.location.hash = "";
}

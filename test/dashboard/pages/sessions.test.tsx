// @vitest-environment jsdom
import { fireEvent, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { SessionCall, SessionDetail } from "../../../dashboard/src/api.ts";
import { waterfallLayout } from "../../../dashboard/src/components/Waterfall.tsx";
import { defaultApi, renderApp, teardown } from "../support/render-app.tsx";

afterEach(teardown);

const session = {
  id: "run-42",
  calls: 3,
  errors: 1,
  costUsd: "0.0123",
  inputTokens: "4200",
  outputTokens: "900",
  durationMs: 2500,
  firstCallAt: "2026-11-26T11:00:00.000Z",
  lastCallAt: "2026-11-26T11:00:02.000Z",
  apps: ["agent"],
};
const other = {
  ...session,
  id: "4bf92f3577b34da6a3ce929d0e0e4736",
  calls: 1,
  errors: 0,
  costUsd: "0.001",
  lastCallAt: "2026-11-26T10:00:00.000Z",
};
const call = (i: number, over: Partial<SessionCall> = {}): SessionCall => ({
  id: `c-${i}`,
  startedAt: new Date(Date.parse(session.firstCallAt) + i * 1000).toISOString(),
  offsetMs: i * 1000,
  latencyMs: 500,
  ttftMs: 100,
  costUsd: "0.004",
  provider: "openai",
  endpoint: "chat.completions",
  model: "gpt-4o",
  app: "agent",
  outcome: "ok",
  status: 200,
  stream: true,
  inputTokens: 1400,
  outputTokens: 300,
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  parentSpanId: `span${i}`,
  ...over,
});
const detail: SessionDetail = {
  session,
  calls: [
    call(0),
    call(1, { provider: "anthropic", model: "claude-sonnet-4-5", latencyMs: 1000, ttftMs: 250 }),
    call(2, { outcome: "upstream_error", status: 500, costUsd: null, ttftMs: null, latencyMs: 500 }),
  ],
};

describe("Sessions page", () => {
  it("lists sessions with calls, errors, cost and duration, and pages with the cursor", async () => {
    const { calls } = renderApp("#/sessions", (url, m, b) => {
      if (url.pathname === "/api/sessions")
        return {
          body:
            url.searchParams.get("cursor") === "next-1"
              ? { sessions: [other], nextCursor: null }
              : { sessions: [session], nextCursor: "next-1" },
        };
      return defaultApi(url, m, b);
    });
    const rows = await screen.findAllByTestId("sessions-row");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.textContent).toContain("run-42");
    expect(within(rows[0]!).getByTestId("sessions-errors").textContent).toBe("1");
    expect(within(rows[0]!).getByTestId("sessions-cost").textContent).toBe("$0.012300");
    expect(rows[0]!.textContent).toContain("2.50 s");
    const first = calls.find((c) => c.url.pathname === "/api/sessions")!;
    expect(first.url.searchParams.get("from")).toBe("2026-11-25T12:00:00.000Z");
    fireEvent.click(screen.getByTestId("sessions-older"));
    expect((await screen.findByText(other.id)).closest("tr")?.getAttribute("data-session-id")).toBe(other.id);
    expect(
      calls
        .filter((c) => c.url.pathname === "/api/sessions")
        .at(-1)!
        .url.searchParams.get("cursor"),
    ).toBe("next-1");
    expect(screen.getByTestId("nav-sessions").getAttribute("aria-current")).toBe("page");
  });

  it("opens a session's waterfall: one bar per call, placed by start and latency", async () => {
    renderApp("#/sessions/run-42", (url, m, b) => (url.pathname === "/api/sessions/run-42" ? { body: detail } : defaultApi(url, m, b)));
    const rows = await screen.findAllByTestId("waterfall-row");
    expect(rows.map((r) => r.getAttribute("data-call-id"))).toEqual(["c-0", "c-1", "c-2"]);
    expect(screen.getByTestId("session-cost").textContent).toContain("$0.012300");
    const bars = screen.getAllByTestId("waterfall-bar");
    // The axis runs from the first start to the last end (2.5 s): c-1 starts at 40% and spans 40%.
    expect(bars[1]!.style.left).toBe("40%");
    expect(bars[1]!.style.width).toBe("40%");
    expect(within(rows[1]!).getByTestId("waterfall-ttft").textContent).toBe("250 ms");
    expect(within(rows[2]!).getByTestId("waterfall-cost").textContent).toBe("—");
    expect(rows[2]!.textContent).toContain("upstream_error");
    expect(rows[0]!.querySelector("a")!.getAttribute("href")).toBe("#/calls/c-0");
  });

  it("lays out bars from offsets, latencies and TTFT", () => {
    expect(waterfallLayout(detail.calls)).toEqual([
      { left: 0, width: 20, ttft: 20 },
      { left: 40, width: 40, ttft: 25 },
      { left: 80, width: 20, ttft: null },
    ]);
  });
});

// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { defaultApi, renderApp, teardown } from "../support/render-app.tsx";

afterEach(teardown);

describe("Latency page", () => {
  it("shows percentiles, gaps for missing TTFT, and the slowest calls linked to their detail", async () => {
    renderApp("#/latency");
    expect((await screen.findByTestId("latency-p50")).textContent).toBe("120 ms");
    expect(screen.getByTestId("latency-p90").textContent).toBe("1.40 s");
    expect(screen.getByTestId("latency-p95").textContent).toBe("2.50 s");
    expect(screen.getByTestId("latency-p99").textContent).toBe("9.00 s");
    expect(screen.getByTestId("ttft-p50").textContent).toBe("80 ms");
    // the slowest by p95 first (anthropic), not the busiest
    expect((await screen.findByTestId("latency-chart")).getAttribute("data-categories")).toBe("anthropic|openai");
    expect(screen.getByTestId("latency-chart").getAttribute("data-rows")).toBe("24");
    const groups = screen.getByTestId("latency-groups").querySelectorAll("tbody tr");
    expect([...groups[0]!.querySelectorAll("td")].map((td) => td.textContent)).toEqual([
      "anthropic",
      "40",
      "150 ms",
      "1.50 s",
      "4.00 s",
      "9.00 s",
      "—",
      "—",
      "—",
      "—",
    ]);
    const slow = screen.getAllByTestId("slowest-row");
    expect(slow).toHaveLength(1);
    expect(screen.getByTestId("slowest-latency").textContent).toBe("9.00 s");
    expect(screen.getByTestId("slowest-link").getAttribute("href")).toBe("#/calls/call-slow-1");
  });

  it("sorts the groups table by any column, flipping on a second click", async () => {
    renderApp("#/latency");
    await screen.findByTestId("latency-p50");
    const order = () => screen.getAllByTestId("latency-group-row").map((r) => r.querySelector("td")?.textContent);
    expect(order()).toEqual(["anthropic", "openai"]);
    fireEvent.click(screen.getByTestId("sort-calls"));
    expect(order()).toEqual(["openai", "anthropic"]);
    fireEvent.click(screen.getByTestId("sort-calls"));
    expect(order()).toEqual(["anthropic", "openai"]);
    // nulls stay last whichever the direction
    fireEvent.click(screen.getByTestId("sort-ttft_p50"));
    expect(order()).toEqual(["openai", "anthropic"]);
    fireEvent.click(screen.getByTestId("sort-ttft_p50"));
    expect(order()).toEqual(["openai", "anthropic"]);
    fireEvent.click(screen.getByTestId("sort-group"));
    expect(order()).toEqual(["openai", "anthropic"]);
    expect(screen.getByTestId("sort-group").closest("th")?.getAttribute("aria-sort")).toBe("descending");
  });

  it("switches percentile and grouping through the URL", async () => {
    const { calls } = renderApp("#/latency");
    await screen.findByTestId("latency-p50");
    fireEvent.click(screen.getByTestId("pct-p99"));
    await waitFor(() => expect(window.location.hash).toBe("#/latency?pct=p99"));
    expect(screen.getByText("Total latency p99, successful calls")).toBeTruthy();
    fireEvent.click(screen.getByTestId("groupby-model"));
    await waitFor(() =>
      expect(
        calls
          .filter((c) => c.url.pathname === "/api/latency")
          .at(-1)
          ?.url.searchParams.get("groupBy"),
      ).toBe("model"),
    );
    expect(window.location.hash).toBe("#/latency?groupBy=model&pct=p99");
  });
});

const streams = {
  from: "",
  to: "",
  groupBy: "provider",
  outcome: "ok",
  totals: {
    streamed: { calls: 0, ttftMs: { p50: null, p90: null, p95: null, p99: null } },
    nonStreamed: { calls: 0, ttftMs: { p50: null, p90: null, p95: null, p99: null } },
    generationCalls: 0,
    outputTokens: 0,
    generationMs: 0,
    tokensPerSecond: null,
  },
  groups: [
    {
      key: "openai",
      streamed: { calls: 30, ttftMs: { p50: 210, p90: 400, p95: 450, p99: 900 } },
      nonStreamed: { calls: 12, ttftMs: { p50: 1200, p90: 2000, p95: 2100, p99: 2500 } },
      generationCalls: 30,
      outputTokens: 15_000,
      generationMs: 150_000,
      tokensPerSecond: 100,
    },
  ],
};
const withStreams = (url: URL, method: string, body: unknown) =>
  url.pathname === "/api/latency/streams" ? { body: streams } : defaultApi(url, method, body);

describe("Latency page for engineers", () => {
  it("measures successful calls by default and lets the user choose all, any failure or one outcome", async () => {
    const { calls } = renderApp("#/latency", withStreams);
    await screen.findByTestId("latency-p50");
    const latest = () => calls.filter((c) => c.url.pathname === "/api/latency").at(-1)?.url.searchParams;
    expect(latest()?.get("outcome")).toBe("ok");
    expect(calls.find((c) => c.url.pathname === "/api/latency/streams")?.url.searchParams.get("outcome")).toBe("ok");
    fireEvent.change(screen.getByTestId("latency-outcome"), { target: { value: "all" } });
    await waitFor(() => expect(window.location.hash).toBe("#/latency?lout=all"));
    await waitFor(() => expect(latest()?.has("outcome")).toBe(false));
    fireEvent.change(screen.getByTestId("latency-outcome"), { target: { value: "timeout" } });
    await waitFor(() => expect(latest()?.get("outcome")).toBe("timeout"));
    expect(screen.getByText("Total latency p90, timeout calls")).toBeTruthy();
  });

  it("filters the slowest calls by their own outcome", async () => {
    const { calls } = renderApp("#/latency", withStreams);
    await screen.findByTestId("latency-p50");
    fireEvent.change(screen.getByTestId("slowest-outcome"), { target: { value: "timeout" } });
    await waitFor(() => expect(window.location.hash).toBe("#/latency?slow=timeout"));
    await waitFor(() => {
      const q = calls.filter((c) => c.url.pathname === "/api/latency").at(-1)?.url.searchParams;
      expect([q?.get("outcome"), q?.get("slowestOutcome")]).toEqual(["ok", "timeout"]);
    });
  });

  it("charts the groups ticked in the table, kept in the URL, and goes back to the slowest", async () => {
    renderApp("#/latency", withStreams);
    await screen.findByTestId("latency-p50");
    const ticks = () => screen.getAllByTestId("latency-group-chart") as HTMLInputElement[];
    expect(ticks().map((t) => t.checked)).toEqual([true, true]);
    fireEvent.click(ticks()[0]!);
    await waitFor(() => expect(window.location.hash).toBe("#/latency?sel=openai"));
    await waitFor(() => expect(screen.getByTestId("latency-chart").getAttribute("data-categories")).toBe("openai"));
    expect(ticks().map((t) => t.checked)).toEqual([false, true]);
    fireEvent.click(screen.getByTestId("chart-reset"));
    await waitFor(() => expect(screen.getByTestId("latency-chart").getAttribute("data-categories")).toBe("anthropic|openai"));
    expect(window.location.hash).toBe("#/latency");
  });

  it("shows TTFT of streamed and non-streamed calls apart and tokens per second, defined", async () => {
    renderApp("#/latency", withStreams);
    const row = await screen.findByTestId("streams-row");
    expect([...row.querySelectorAll("td")].map((td) => td.textContent)).toEqual([
      "openai",
      "30",
      "210 ms",
      "450 ms",
      "12",
      "1.20 s",
      "2.10 s",
      "100 tok/s",
    ]);
    expect(screen.getByTestId("streams-panel").textContent).toContain(
      "output tokens divided by generation time (latency minus time to first token)",
    );
  });

  it("does not ask for the stream split over more than 31 days", async () => {
    const { calls } = renderApp("#/latency?range=last-quarter", withStreams);
    await screen.findByTestId("streams-too-long");
    expect(calls.some((c) => c.url.pathname === "/api/latency/streams")).toBe(false);
  });
});

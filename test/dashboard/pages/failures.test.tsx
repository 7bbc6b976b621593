// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { renderApp, teardown } from "../support/render-app.tsx";

afterEach(teardown);

describe("Failures page", () => {
  it("shows totals, outcome breakdown, charts and top errors", async () => {
    const { calls } = renderApp("#/failures?groupBy=app");
    expect((await screen.findByTestId("failures-count")).textContent).toBe("7");
    expect(screen.getByTestId("failures-calls").textContent).toBe("100");
    expect(screen.getByTestId("failures-rate").textContent).toBe("7.0%");
    expect(calls.find((c) => c.url.pathname === "/api/failures")?.url.searchParams.get("groupBy")).toBe("app");

    const outcomes = screen
      .getAllByTestId("outcome-row")
      .map((r) => [r.getAttribute("data-outcome"), r.querySelector("[data-testid=outcome-count]")?.textContent]);
    expect(outcomes).toEqual([
      ["ok", "93"],
      ["rate_limited", "4"],
      ["upstream_error", "3"],
    ]);

    expect((await screen.findByTestId("failures-chart")).getAttribute("data-categories")).toBe("rate_limited|upstream_error");
    expect((await screen.findByTestId("error-rate-chart")).getAttribute("data-categories")).toBe("openai|anthropic");

    const rows = screen.getAllByTestId("top-error-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain("rate_limit_exceeded");
    expect(rows[0]?.textContent).toContain("Rate limit reached for gpt-4.1");
    expect(screen.getAllByTestId("top-error-count").map((e) => e.textContent)).toEqual(["4", "1"]);
    expect(screen.getAllByTestId("top-error-status").map((e) => e.textContent)).toEqual(["429", "529"]);
    expect(screen.getAllByTestId("top-error-app").map((e) => e.textContent)).toEqual(["checkout", "search"]);
    expect(screen.getAllByTestId("top-error-model").map((e) => e.textContent)).toEqual(["gpt-4.1", "—"]);
    expect(screen.getAllByTestId("top-error-last-call")[0]?.getAttribute("href")).toBe("#/calls/call-rl-1?groupBy=app");
    fireEvent.click(screen.getByTestId("stack-group"));
    await waitFor(() => expect(window.location.hash).toBe("#/failures?groupBy=app&stack=group"));
    expect(screen.getByTestId("stack-group").textContent).toBe("app");
    expect(screen.getByTestId("failures-chart").getAttribute("data-categories")).toBe("openai|anthropic");
  });

  it("goes from the Failures tab to the failing call's error body in two clicks", async () => {
    renderApp("#/spend");
    await screen.findByTestId("spend-total");
    fireEvent.click(screen.getByTestId("nav-failures"));
    const link = (await screen.findAllByTestId("top-error-last-call"))[0]!;
    fireEvent.click(link);
    const body = await screen.findByTestId("error-body");
    expect(JSON.parse(body.textContent ?? "")).toEqual({
      error: { message: "Rate limit reached for gpt-4.1", type: "rate_limit_exceeded", code: "rate_limit_exceeded" },
    });
    expect(window.location.hash).toBe("#/calls/call-rl-1");
  });

  it("asks for 1-minute buckets over the last hour, 5-minute ones up to 6 hours, hours beyond", async () => {
    const { calls } = renderApp("#/failures?range=1h");
    await screen.findByTestId("failures-count");
    expect(calls.find((c) => c.url.pathname === "/api/failures")?.url.searchParams.get("interval")).toBe("minute");
    teardown();
    const custom = renderApp("#/failures?range=custom&from=2026-11-26T06:00:00.000Z&to=2026-11-26T12:00:00.000Z");
    await screen.findByTestId("failures-count");
    expect(custom.calls.find((c) => c.url.pathname === "/api/failures")?.url.searchParams.get("interval")).toBe("5minute");
    teardown();
    const day = renderApp("#/failures?range=24h");
    await screen.findByTestId("failures-count");
    expect(day.calls.find((c) => c.url.pathname === "/api/failures")?.url.searchParams.get("interval")).toBe("hour");
  });

  it("shows no-failure states", async () => {
    renderApp("#/failures", (url) =>
      url.pathname === "/api/failures"
        ? {
            body: {
              from: "",
              to: "",
              interval: "hour",
              groupBy: "provider",
              totals: { calls: 0, failures: 0, errorRate: 0, byOutcome: {} },
              groups: [],
              series: [],
              topErrors: [],
            },
          }
        : undefined,
    );
    expect((await screen.findByTestId("failures-rate")).textContent).toBe("—");
    expect(screen.getByTestId("empty").textContent).toBe("No calls in this range.");
    expect(screen.getByTestId("no-failures")).toBeTruthy();
    expect(screen.getByTestId("no-errors")).toBeTruthy();
  });

  it("links an outcome to the call log filtered by it", async () => {
    renderApp("#/failures?range=7d");
    await screen.findByTestId("failures-count");
    const link = screen.getAllByTestId("outcome-row")[1]?.querySelector("a");
    expect(link?.getAttribute("href")).toBe("#/calls?range=7d&outcome=rate_limited");
    fireEvent.click(link!);
    await waitFor(() => expect(screen.getByTestId("page-calls")).toBeTruthy());
    expect((screen.getByTestId("filter-outcome") as HTMLSelectElement).value).toBe("rate_limited");
  });
});

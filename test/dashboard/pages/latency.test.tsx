// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { renderApp, teardown } from "../support/render-app.tsx";

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
    expect(screen.getByTestId("latency-chart").getAttribute("data-categories")).toBe("anthropic|openai");
    expect(screen.getByTestId("latency-chart").getAttribute("data-rows")).toBe("24");
    const groups = screen.getByTestId("latency-groups").querySelectorAll("tbody tr");
    expect([...groups[0]!.querySelectorAll("td")].map((td) => td.textContent)).toEqual(["anthropic", "40", "150 ms", "1.50 s", "4.00 s", "9.00 s", "—", "—", "—", "—"]);
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
    expect(screen.getByText("Total latency p99")).toBeTruthy();
    fireEvent.click(screen.getByTestId("groupby-model"));
    await waitFor(() => expect(calls.at(-1)?.url.searchParams.get("groupBy")).toBe("model"));
    expect(window.location.hash).toBe("#/latency?groupBy=model&pct=p99");
  });
});

// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { emptySpend } from "../support/fixtures.ts";
import { defaultApi, renderApp, teardown } from "../support/render-app.tsx";

afterEach(teardown);

describe("Spend page", () => {
  it("shows the exact total, the unpriced call-out, the chart and top apps/models with shares", async () => {
    const { calls } = renderApp("#/spend");
    expect((await screen.findByTestId("spend-total")).textContent).toBe("$1,234.57");
    expect(screen.getByTestId("spend-total").getAttribute("title")).toBe("exactly $1,234.5678901234");
    expect(screen.getByTestId("spend-calls").textContent).toBe("1,500");
    expect(screen.getByTestId("spend-input-tokens").textContent).toBe("2.5M");
    const banner = screen.getByTestId("unpriced-banner");
    expect(banner.textContent).toMatch(/^3 calls in this range had no matching price/);
    expect(banner.querySelector("a")?.getAttribute("href")).toBe("#/prices");

    const chart = await screen.findByTestId("spend-chart");
    expect(chart.getAttribute("data-categories")).toBe("openai|anthropic");
    expect(chart.getAttribute("data-rows")).toBe("24"); // every hour of the last 24, filled

    const apps = await screen.findAllByTestId("top-apps-row");
    expect(apps.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent))).toEqual([
      ["search", "$740.74", "60.0%", "900"],
      ["chat", "$493.83+3 unpriced", "40.0%", "600"],
    ]);
    expect(screen.getAllByTestId("top-apps-cost").map((e) => e.textContent)).toEqual(["$740.74", "$493.83"]);
    const tokens = await screen.findByTestId("tokens-chart");
    expect(tokens.getAttribute("data-categories")).toBe("input|cached input|output");
    const models = await screen.findAllByTestId("top-models-row");
    expect(models[0]?.textContent).toContain("gpt-4.1");

    const spendCalls = calls.filter((c) => c.url.pathname === "/api/spend");
    expect(spendCalls.map((c) => c.url.searchParams.get("groupBy")).sort()).toEqual(["app", "model", "provider"]);
    for (const c of spendCalls) {
      expect(c.url.searchParams.get("from")).toBe("2026-11-25T12:00:00.000Z");
      expect(c.url.searchParams.get("to")).toBe("2026-11-26T12:00:00.000Z");
      expect(c.url.searchParams.get("interval")).toBe("hour");
      expect(c.credentials).toBe("same-origin");
    }
    expect(screen.getByTestId("spend-csv").getAttribute("href")).toBe(
      "/api/spend.csv?from=2026-11-25T12%3A00%3A00.000Z&to=2026-11-26T12%3A00%3A00.000Z&groupBy=provider&interval=hour",
    );
  });

  it("switches the stacking and range through the URL", async () => {
    const { calls } = renderApp("#/spend");
    await screen.findByTestId("spend-total");
    const before = calls.length;
    fireEvent.click(screen.getByTestId("groupby-model"));
    await waitFor(() => expect(window.location.hash).toBe("#/spend?groupBy=model"));
    // (the clock is fixed, so the window does not move) only the chart's question changed: one request
    await waitFor(() => expect(calls.length - before).toBe(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(calls.slice(before).map((c) => c.url.searchParams.get("groupBy"))).toEqual(["model"]);
    fireEvent.click(screen.getByTestId("range-7d"));
    await waitFor(() => expect(window.location.hash).toBe("#/spend?range=7d&groupBy=model"));
    await waitFor(() => {
      const last = calls.filter((c) => c.url.pathname === "/api/spend").at(-1);
      expect(last?.url.searchParams.get("interval")).toBe("day");
      expect(last?.url.searchParams.get("from")).toBe("2026-11-19T12:00:00.000Z");
    });
    await waitFor(() => expect(screen.getByTestId("spend-chart").getAttribute("data-rows")).toBe("8"));
    expect(screen.getByTestId("interval-auto").textContent).toBe("auto (day)");
    fireEvent.click(screen.getByTestId("interval-hour"));
    await waitFor(() => expect(window.location.hash).toBe("#/spend?range=7d&interval=hour&groupBy=model"));
    await waitFor(() => expect(screen.getByTestId("spend-chart").getAttribute("data-rows")).toBe("168"));
    expect(
      calls
        .filter((c) => c.url.pathname === "/api/spend")
        .at(-1)
        ?.url.searchParams.get("interval"),
    ).toBe("hour");
  });

  it("passes filters from the URL to the API", async () => {
    const { calls } = renderApp("#/spend?app=search&provider=openai");
    await screen.findByTestId("spend-total");
    const reports = calls.filter((c) => c.url.pathname !== "/api/reports/source"); // the source notice takes no filters
    expect(reports.every((c) => c.url.searchParams.get("app") === "search" && c.url.searchParams.get("provider") === "openai")).toBe(true);
    expect((screen.getByTestId("filter-app") as HTMLInputElement).value).toBe("search");
  });

  it("has an empty state", async () => {
    renderApp("#/spend", (url) => (url.pathname === "/api/spend" ? { body: emptySpend } : undefined));
    expect((await screen.findByTestId("spend-total")).textContent).toBe("$0.00");
    expect(screen.queryByTestId("unpriced-banner")).toBeNull();
    expect(screen.getAllByTestId("empty").map((e) => e.textContent)).toEqual([
      "No calls in this range.",
      "No calls in this range.",
      "No calls in this range.",
    ]);
  });

  it("has an error state", async () => {
    renderApp("#/spend", (url) =>
      url.pathname === "/api/spend" ? { status: 500, body: { error: { type: "internal", message: "database unreachable" } } } : undefined,
    );
    const errors = await screen.findAllByTestId("error");
    expect(errors[0]?.textContent).toBe("The API answered 500 (internal): database unreachable");
  });

  it("asks for the admin token on 401 and retries after signing in", async () => {
    let signedIn = false;
    const { calls } = renderApp("#/spend", (url, method, body) => {
      if (url.pathname === "/api/login") {
        signedIn = (body as { token: string }).token === "admin-token";
        return signedIn ? { status: 204 } : { status: 401, body: { error: { type: "unauthorized", message: "wrong token" } } };
      }
      if (!signedIn) return { status: 401, body: { error: { type: "unauthorized", message: "sign in" } } };
      return defaultApi(url, method, body);
    });
    await screen.findByTestId("login-form");
    expect(screen.queryByTestId("spend-total")).toBeNull();
    fireEvent.change(screen.getByTestId("login-token"), { target: { value: "admin-token" } });
    fireEvent.click(screen.getByTestId("login-submit"));
    expect((await screen.findByTestId("spend-total")).textContent).toBe("$1,234.57");
    expect(screen.queryByTestId("login-form")).toBeNull();
    expect(calls.filter((c) => c.url.pathname === "/api/login")).toHaveLength(1);
  });

  it("refreshes on demand and remembers the auto-refresh choice", async () => {
    const { calls } = renderApp("#/spend");
    await screen.findByTestId("spend-total");
    const before = calls.length;
    fireEvent.click(screen.getByTestId("refresh-now"));
    await waitFor(() => expect(calls.length).toBe(before + 4)); // three spend reports and the forecast
    const toggle = screen.getByTestId("auto-refresh") as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    fireEvent.click(toggle);
    expect(toggle.checked).toBe(false);
    expect(window.localStorage.getItem("tollgate.autoRefresh")).toBe("off");
  });
});

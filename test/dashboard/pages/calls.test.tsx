// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { makeCall } from "../support/fixtures.ts";
import { defaultApi, renderApp, teardown } from "../support/render-app.tsx";

afterEach(teardown);

const page1 = {
  calls: [makeCall({ id: "c3" }), makeCall({ id: "c2", outcome: "timeout", status: 504, costUsd: null, priced: false })],
  nextCursor: "cur-1",
};
const page2 = { calls: [makeCall({ id: "c1", app: "chat", inputTokens: 123_456 })], nextCursor: null };

function api(url: URL, method: string, body: unknown) {
  if (url.pathname === "/api/calls") return { body: url.searchParams.get("cursor") === "cur-1" ? page2 : page1 };
  if (url.pathname === "/api/calls/c2")
    return {
      body: {
        ...makeCall({
          id: "c2",
          outcome: "timeout",
          status: 504,
          costUsd: null,
          priced: false,
          priceId: null,
          errorType: "timeout",
          errorMessage: "no upstream byte for 600000 ms",
        }),
        price: null,
      },
    };
  return defaultApi(url, method, body);
}

describe("Calls page", () => {
  it("lists calls and pages with cursors kept in the URL", async () => {
    const { calls } = renderApp("#/calls", api);
    const rows = await screen.findAllByTestId("calls-row");
    expect(rows.map((r) => r.getAttribute("data-call-id"))).toEqual(["c3", "c2"]);
    expect(screen.getAllByTestId("calls-cost").map((e) => e.textContent)).toEqual(["$0.004800", "unpriced"]);
    expect(calls.find((c) => c.url.pathname === "/api/calls")?.url.searchParams.get("limit")).toBe("50");

    fireEvent.click(screen.getByTestId("calls-older"));
    await waitFor(() => expect(screen.getAllByTestId("calls-row").map((r) => r.getAttribute("data-call-id"))).toEqual(["c1"]));
    expect(window.location.hash).toBe("#/calls?cursor=cur-1");
    expect(calls.at(-1)?.url.searchParams.get("cursor")).toBe("cur-1");
    expect(screen.getAllByTestId("calls-row")[0]?.textContent).toContain("123K");
    expect((screen.getByTestId("calls-older") as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByTestId("calls-newer"));
    await waitFor(() => expect(screen.getAllByTestId("calls-row")).toHaveLength(2));
    expect(window.location.hash).toBe("#/calls");
  });

  it("filters by provider, app, model and outcome, back on page one", async () => {
    const { calls } = renderApp("#/calls?cursor=cur-1", api);
    await screen.findAllByTestId("calls-row");
    fireEvent.change(screen.getByTestId("filter-app"), { target: { value: "search" } });
    fireEvent.change(screen.getByTestId("filter-outcome"), { target: { value: "timeout" } });
    fireEvent.click(screen.getByTestId("filter-apply"));
    await waitFor(() => expect(window.location.hash).toBe("#/calls?app=search&outcome=timeout"));
    await waitFor(() => {
      // typing in a filter also asks /api/suggest
      const q = calls.filter((c) => c.url.pathname === "/api/calls").at(-1)?.url.searchParams;
      expect([q?.get("app"), q?.get("outcome"), q?.get("cursor")]).toEqual(["search", "timeout", null]);
    });
    expect(screen.getByTestId("calls-csv").getAttribute("href")).toMatch(/^\/api\/calls\.csv\?from=.*&app=search&outcome=timeout$/);
  });

  it("opens a call's detail from its row", async () => {
    renderApp("#/calls", api);
    const rows = await screen.findAllByTestId("calls-row");
    fireEvent.click(rows[1]!);
    await screen.findByTestId("error-type");
    expect(window.location.hash).toBe("#/calls/c2");
    expect(screen.getByTestId("error-message").textContent).toBe("no upstream byte for 600000 ms");
    expect(screen.getByTestId("error-body-missing")).toBeTruthy();
    expect(screen.getByTestId("call-cost").textContent).toBe("unpriced");
  });

  it("says so when nothing matches", async () => {
    renderApp("#/calls?model=gpt-0", (url) => (url.pathname === "/api/calls" ? { body: { calls: [], nextCursor: null } } : undefined));
    expect((await screen.findByTestId("empty")).textContent).toBe("No calls match these filters in this range.");
  });
});

describe("Calls page filters of the call log", () => {
  it("sends any failure, status, latency above, cost above and a property to the API and keeps them in the URL", async () => {
    const { calls } = renderApp("#/calls", api);
    await screen.findAllByTestId("calls-row");
    fireEvent.change(screen.getByTestId("filter-outcome"), { target: { value: "failed" } });
    fireEvent.change(screen.getByTestId("filter-status"), { target: { value: "429" } });
    fireEvent.change(screen.getByTestId("filter-latencyAboveMs"), { target: { value: "1500" } });
    fireEvent.change(screen.getByTestId("filter-costAboveUsd"), { target: { value: "0.01" } });
    fireEvent.change(screen.getByTestId("filter-prop"), { target: { value: "team=payments" } });
    fireEvent.click(screen.getByTestId("filter-apply"));
    await waitFor(() =>
      expect(window.location.hash).toBe("#/calls?outcome=failed&status=429&latencyAboveMs=1500&costAboveUsd=0.01&prop=team%3Dpayments"),
    );
    await waitFor(() => {
      const q = calls.filter((c) => c.url.pathname === "/api/calls").at(-1)?.url.searchParams;
      expect([q?.get("outcome"), q?.get("status"), q?.get("latencyAboveMs"), q?.get("costAboveUsd"), q?.get("property.team")]).toEqual([
        "failed",
        "429",
        "1500",
        "0.01",
        "payments",
      ]);
    });
    expect(screen.getByTestId("calls-csv").getAttribute("href")).toContain("&status=429&");
  });

  it("opens a shared link with the filters filled in, dropping values the API would refuse", async () => {
    const { calls } = renderApp("#/calls?status=abc&latencyAboveMs=2000&user=alice", api);
    await screen.findAllByTestId("calls-row");
    expect((screen.getByTestId("filter-latencyAboveMs") as HTMLInputElement).value).toBe("2000");
    expect((screen.getByTestId("filter-user") as HTMLInputElement).value).toBe("alice");
    const q = calls.find((c) => c.url.pathname === "/api/calls")?.url.searchParams;
    expect([q?.get("status"), q?.get("latencyAboveMs"), q?.get("user")]).toEqual([null, "2000", "alice"]);
  });
});

// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Measure, ReconciliationResponse, ReconciliationRow } from "../../../dashboard/src/lib/reconciliation.ts";
import type { Handler } from "../support/fetch-stub.ts";
import { renderApp, teardown } from "../support/render-app.tsx";

afterEach(teardown);

const m = (tollgate: string | null, provider: string | null, diff: string | null, pct: string | null): Measure => ({
  tollgate,
  provider,
  diff,
  pct,
});
const same = (v: string) => m(v, v, "0", "0");

function row(over: Partial<ReconciliationRow>): ReconciliationRow {
  return {
    day: "2026-11-26",
    provider: "openai",
    requests: same("3"),
    inputTokens: same("3600"),
    cachedInputTokens: same("0"),
    cacheWriteTokens: same("0"),
    cacheWrite1hTokens: same("0"),
    outputTokens: same("900"),
    costUsd: same("0.0066"),
    webSearchRequests: "0",
    unpricedCalls: "0",
    reason: "match",
    fetchedAt: "2026-11-26T11:30:00.000Z",
    complete: false,
    ...over,
  };
}

const byDay: ReconciliationResponse = {
  from: "2026-11-25T00:00:00.000Z",
  to: "2026-11-27T00:00:00.000Z",
  groupBy: "day",
  sources: ["openai", "anthropic"],
  rows: [
    row({
      day: "2026-11-25",
      costUsd: m("10", "10.5", "0.5", "4.76"),
      reason: "unmetered_traffic",
      complete: true,
      fetchedAt: "2026-11-26T02:00:00.000Z",
    }),
    row({ day: "2026-11-26", costUsd: m("2", "2", "0", "0") }),
    row({ day: "2026-11-26", provider: "anthropic", costUsd: m("1", "1.25", "0.25", "20"), reason: "price_drift" }),
  ],
  freshness: [
    { provider: "openai", day: "2026-11-25", fetchedAt: "2026-11-26T02:00:00.000Z", complete: true, hourly: false },
    { provider: "openai", day: "2026-11-26", fetchedAt: "2026-11-26T11:30:00.000Z", complete: false, hourly: false },
  ],
};

const byModel: ReconciliationResponse = {
  ...byDay,
  groupBy: "model",
  rows: [
    row({
      day: "2026-11-25",
      model: "recon-a",
      requests: m("3", "5", "2", "40"),
      inputTokens: m("3600", "6000", "2400", "40"),
      costUsd: m("0.0066", "0.011", "0.0044", "40"),
      reason: "unmetered_traffic",
      complete: true,
    }),
    row({ day: "2026-11-26", model: "recon-b" }),
  ],
};

const byKey: ReconciliationResponse = {
  ...byDay,
  groupBy: "key",
  rows: [row({ apiKeyId: "key_bypass", held: false, requests: m(null, "2", null, null), reason: "key_not_held" })],
};

const api: Handler = (url) => {
  if (url.pathname === "/api/calls") return { body: { calls: [], nextCursor: null } };
  if (url.pathname !== "/api/reconciliation") return undefined;
  const g = url.searchParams.get("groupBy");
  return { body: g === "day" ? byDay : g === "key" ? byKey : byModel };
};

describe("Reconciliation page", () => {
  it("shows the drift per day, the reasons, freshness, and links a drifted day to its calls", async () => {
    const { calls } = renderApp("#/reconciliation?provider=openai", api);
    expect((await screen.findByTestId("reconciliation-drift")).textContent).toBe("$0.75");
    expect(screen.getByTestId("reconciliation-tollgate").textContent).toBe("$13.00");
    expect(screen.getByTestId("reconciliation-provider").textContent).toBe("$13.75");
    expect((await screen.findByTestId("reconciliation-chart")).getAttribute("data-categories")).toBe("anthropic|openai");
    const asked = calls.map((c) => c.url.searchParams.toString());
    expect(asked).toContain("from=2026-11-25&to=2026-11-27&groupBy=day&provider=openai");
    expect(screen.getAllByTestId("fetch-row").map((r) => r.textContent)).toEqual([
      expect.stringContaining("openai 2026-11-25: fetched") as unknown as string,
      expect.stringContaining("day not complete yet") as unknown as string,
    ]);

    const rows = await screen.findAllByTestId("reconciliation-row");
    expect(rows.map((r) => r.getAttribute("data-reason"))).toEqual(["unmetered_traffic", "match"]);
    expect(screen.getAllByTestId("reconciliation-reason")[0]?.textContent).toBe("Unmetered traffic");
    expect(screen.getAllByTestId("diff-requests")[0]?.textContent).toBe("2 (40%)");
    expect(screen.getAllByTestId("diff-cost")[0]?.textContent).toBe("$0.004400 (40%)");
    expect(screen.getAllByTestId("reconciliation-freshness")[1]?.textContent).toContain("(day not complete)");

    fireEvent.click(screen.getByTestId("reconciliation-per-key"));
    await waitFor(() => expect(screen.getByTestId("reconciliation-reason").textContent).toBe("Key not held by Tollgate"));
    expect(screen.getByTestId("diff-requests").textContent).toBe("—");
    fireEvent.click(screen.getByTestId("reconciliation-per-model"));

    // Only the drifted row links, to the Calls page for that UTC day and model.
    await waitFor(() => expect(screen.getAllByTestId("reconciliation-calls-link")).toHaveLength(1));
    fireEvent.click(screen.getByTestId("reconciliation-calls-link"));
    await waitFor(() =>
      expect(window.location.hash).toBe(
        "#/calls?range=custom&from=2026-11-25T00%3A00%3A00.000Z&to=2026-11-26T00%3A00%3A00.000Z&provider=openai&model=recon-a",
      ),
    );
    await waitFor(() =>
      expect(
        calls.some(
          (c) =>
            c.url.pathname === "/api/calls" &&
            c.url.searchParams.get("model") === "recon-a" &&
            c.url.searchParams.get("from") === "2026-11-25T00:00:00.000Z",
        ),
      ).toBe(true),
    );
  });

  it("says when no admin key is configured", async () => {
    renderApp("#/reconciliation", (url) =>
      url.pathname === "/api/reconciliation" ? { body: { ...byDay, sources: [], rows: [], freshness: [] } } : undefined,
    );
    expect((await screen.findByTestId("reconciliation-no-sources")).textContent).toContain("OPENAI_ADMIN_KEY");
    expect(await screen.findByTestId("empty")).toBeTruthy();
  });
});

// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ReportsSourceNotice } from "../../../dashboard/src/components/ReportsSourceNotice.tsx";
import { RefreshContext } from "../../../dashboard/src/hooks/refresh.ts";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function answer(body: unknown) {
  const fetch = vi.fn(
    async (_url: string) => new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } }),
  );
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

const NOW = Date.parse("2026-12-07T12:00:00Z");
const show = () =>
  render(
    <RefreshContext.Provider value={{ tick: 0, authEpoch: 0, now: NOW }}>
      <ReportsSourceNotice />
    </RefreshContext.Provider>,
  );

describe("ReportsSourceNotice", () => {
  it("shows a lagging replica's delay above the page", async () => {
    const fetch = answer({ source: "replica", lagMs: 90_000, checkedAt: "2026-12-07T12:00:00Z" });
    show();
    expect((await screen.findByTestId("reports-source")).textContent).toContain("90 s behind the primary");
    expect(String(fetch.mock.calls[0]?.[0])).toContain("/api/reports/source");
  });

  it("shows nothing while the replica is current", async () => {
    const fetch = answer({ source: "replica", lagMs: 0, checkedAt: "2026-12-07T12:00:00Z" });
    show();
    await vi.waitFor(() => expect(fetch).toHaveBeenCalled());
    expect(screen.queryByTestId("reports-source")).toBeNull();
  });
});

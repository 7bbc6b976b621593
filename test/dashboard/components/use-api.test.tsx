// @vitest-environment jsdom
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RefreshContext } from "../../../dashboard/src/hooks/refresh.ts";
import { useApi } from "../../../dashboard/src/hooks/useApi.ts";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** fetch answers only when the test releases it, so the in-between states can be seen. */
function deferredFetch() {
  const pending: Array<{ url: string; resolve: (body: unknown) => void }> = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(
      (url: string) =>
        new Promise<Response>((res) => {
          pending.push({ url, resolve: (body) => res(new Response(JSON.stringify(body), { status: 200 })) });
        }),
    ),
  );
  return pending;
}

function Probe(props: { path: string | null }) {
  const s = useApi<{ v: string }>(props.path);
  return <div data-testid="probe">{`${s.loading ? "loading" : "idle"}:${s.data?.v ?? "-"}`}</div>;
}

const withTick = (tick: number, path: string | null) => (
  <RefreshContext.Provider value={{ tick, authEpoch: 0, now: 0 }}>
    <Probe path={path} />
  </RefreshContext.Provider>
);

describe("useApi", () => {
  it("keeps the answer on screen while the same question is refreshed over a moved window", async () => {
    const pending = deferredFetch();
    const { rerender } = render(withTick(0, "/api/spend?from=1&to=2&groupBy=app"));
    expect(screen.getByTestId("probe").textContent).toBe("loading:-");
    await act(async () => pending[0]!.resolve({ v: "first" }));
    expect(screen.getByTestId("probe").textContent).toBe("idle:first");

    rerender(withTick(1, "/api/spend?from=3&to=4&groupBy=app"));
    expect(screen.getByTestId("probe").textContent).toBe("loading:first");
    await act(async () => pending[1]!.resolve({ v: "second" }));
    expect(screen.getByTestId("probe").textContent).toBe("idle:second");
    expect(pending.map((p) => p.url)).toEqual(["/api/spend?from=1&to=2&groupBy=app", "/api/spend?from=3&to=4&groupBy=app"]);
  });

  it("starts empty for a different question, and ignores a stale answer", async () => {
    const pending = deferredFetch();
    const { rerender } = render(withTick(0, "/api/spend?groupBy=app"));
    await act(async () => pending[0]!.resolve({ v: "apps" }));
    rerender(withTick(0, "/api/spend?groupBy=model"));
    expect(screen.getByTestId("probe").textContent).toBe("loading:-");
    rerender(withTick(0, "/api/spend?groupBy=user"));
    await act(async () => pending[1]!.resolve({ v: "models (stale)" }));
    expect(screen.getByTestId("probe").textContent).toBe("loading:-");
    await act(async () => pending[2]!.resolve({ v: "users" }));
    expect(screen.getByTestId("probe").textContent).toBe("idle:users");
  });

  it("refetches on every refresh tick", async () => {
    const pending = deferredFetch();
    const { rerender } = render(withTick(0, "/api/prices"));
    await act(async () => pending[0]!.resolve({ v: "a" }));
    rerender(withTick(1, "/api/prices"));
    expect(pending).toHaveLength(2);
    expect(screen.getByTestId("probe").textContent).toBe("loading:a");
    await act(async () => pending[1]!.resolve({ v: "b" }));
    expect(screen.getByTestId("probe").textContent).toBe("idle:b");
  });
});

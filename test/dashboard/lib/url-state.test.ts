import { describe, expect, it } from "vitest";
import { DEFAULT_VIEW, decodeView, encodeView, pageHref, parseHash, patchView, routeHash } from "../../../dashboard/src/lib/url-state.ts";

describe("decodeView / encodeView", () => {
  it("round-trips a full view", () => {
    const view = {
      ...DEFAULT_VIEW,
      range: "custom" as const,
      from: "2026-11-20T00:00:00.000Z",
      to: "2026-11-21T00:00:00.000Z",
      interval: "hour" as const,
      groupBy: "app" as const,
      pct: "p99" as const,
      stack: "group" as const,
      filters: { provider: "openai", app: "search", model: "gpt-4.1", outcome: "timeout" },
      cursors: ["c1", "c,2"],
    };
    expect(decodeView(encodeView(view))).toEqual(view);
  });
  it("leaves defaults out so equal views have equal URLs", () => {
    expect(encodeView(DEFAULT_VIEW).toString()).toBe("");
    expect(encodeView({ ...DEFAULT_VIEW, range: "7d" }).toString()).toBe("range=7d");
  });
  it("falls back to defaults on bad values", () => {
    const v = decodeView(new URLSearchParams("range=99y&groupBy=color&interval=week&pct=p42&stack=rainbow&provider=%20"));
    expect(v).toEqual(DEFAULT_VIEW);
  });
  it("rejects a custom range that is missing a bound or reversed", () => {
    expect(decodeView(new URLSearchParams("range=custom&from=2026-11-20T00:00:00Z")).range).toBe("24h");
    expect(decodeView(new URLSearchParams("range=custom&from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z")).range).toBe("24h");
  });
});

describe("routes", () => {
  it("parses pages, call details and unknown paths", () => {
    expect(parseHash("#/failures?range=7d&groupBy=app")).toMatchObject({
      name: "failures",
      id: null,
      view: { range: "7d", groupBy: "app" },
    });
    expect(parseHash("#/calls/0193abc?outcome=timeout")).toMatchObject({
      name: "call",
      id: "0193abc",
      view: { filters: { outcome: "timeout" } },
    });
    expect(parseHash("#/calls")).toMatchObject({ name: "calls", id: null });
    expect(parseHash("")).toMatchObject({ name: "spend" });
    expect(parseHash("#/nope")).toMatchObject({ name: "spend" });
  });
  it("builds hashes that parse back to the same route", () => {
    const view = { ...DEFAULT_VIEW, range: "30d" as const, filters: { ...DEFAULT_VIEW.filters, app: "a b&c" } };
    const hash = routeHash("call", view, "id/with slash");
    expect(parseHash(hash)).toEqual({ name: "call", id: "id/with slash", view });
    expect(routeHash("spend", DEFAULT_VIEW)).toBe("#/spend");
  });
  it("page links keep range and filters but drop the call-log cursors", () => {
    const view = { ...DEFAULT_VIEW, range: "7d" as const, cursors: ["x"] };
    expect(pageHref("failures", view)).toBe("#/failures?range=7d");
  });
  it("patchView returns to page one unless the cursors are what changed", () => {
    const view = { ...DEFAULT_VIEW, cursors: ["x"] };
    expect(patchView(view, { filters: { app: "a" } })).toMatchObject({ cursors: [], filters: { app: "a", provider: null } });
    expect(patchView(view, { cursors: ["x", "y"] }).cursors).toEqual(["x", "y"]);
  });
});

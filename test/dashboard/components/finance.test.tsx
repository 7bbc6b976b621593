// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { SpendFigures, SpendResponse } from "../../../dashboard/src/api.ts";
import { BreakdownTable, CoverageWarning } from "../../../dashboard/src/components/BreakdownTable.tsx";
import { SortedTooltip } from "../../../dashboard/src/components/charts/common.tsx";
import { change, formatChangePercent } from "../../../dashboard/src/lib/compare.ts";
import { resolveRange } from "../../../dashboard/src/lib/time-range.ts";
import { decodeView, encodeView, validGroupBy } from "../../../dashboard/src/lib/url-state.ts";

afterEach(cleanup);

const fig = (costUsd: string, calls = 1): SpendFigures => ({
  costUsd,
  feesUsd: "0",
  calls,
  unpricedCalls: 0,
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
});

function report(comparable: boolean): SpendResponse {
  return {
    from: "2026-11-01T00:00:00.000Z",
    to: "2026-12-01T00:00:00.000Z",
    interval: "day",
    groupBy: "property:team,model",
    dimensions: ["property:team", "model"],
    totals: { ...fig("3.3", 3), previous: fig("1.1", 2) },
    groups: [
      { ...fig("3.3"), key: "growth · gpt-4o", keys: { "property:team": "growth", model: "gpt-4o" }, previous: fig("1.1") },
      { ...fig("0", 0), key: "support · gpt-4o", keys: { "property:team": "support", model: "gpt-4o" }, previous: fig("0") },
    ],
    series: [],
    coverage: { from: "2026-11-01T00:00:00.000Z", to: "2026-12-01T00:00:00.000Z" },
    compare: {
      from: "2026-10-01T00:00:00.000Z",
      to: "2026-11-01T00:00:00.000Z",
      coverage: comparable
        ? { from: "2026-10-01T00:00:00.000Z", to: "2026-11-01T00:00:00.000Z" }
        : { from: "2026-10-15T09:00:00.000Z", to: "2026-11-01T00:00:00.000Z" },
      comparable,
    },
  };
}

describe("calendar presets", () => {
  const now = Date.parse("2026-12-07T14:00:00.000Z");
  const r = (range: string) => resolveRange({ range: range as never, from: null, to: null, interval: null }, now);
  it("resolve to UTC months and quarters, or to now", () => {
    expect([r("this-month").from, r("this-month").to]).toEqual(["2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
    expect([r("last-month").from, r("last-month").to]).toEqual(["2026-11-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z"]);
    expect([r("mtd").from, r("mtd").to]).toEqual(["2026-12-01T00:00:00.000Z", "2026-12-07T14:00:00.000Z"]);
    expect([r("this-quarter").from, r("this-quarter").to]).toEqual(["2026-10-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
    expect([r("last-quarter").from, r("last-quarter").to]).toEqual(["2026-07-01T00:00:00.000Z", "2026-10-01T00:00:00.000Z"]);
    expect([r("ytd").from, r("ytd").to]).toEqual(["2026-01-01T00:00:00.000Z", "2026-12-07T14:00:00.000Z"]);
    // January's "last month" is December of the year before
    expect(resolveRange({ range: "last-month", from: null, to: null, interval: null }, Date.parse("2027-01-03T00:00:00Z")).from).toBe(
      "2026-12-01T00:00:00.000Z",
    );
  });
  it("stay relative in the URL, with groupBy dimensions and a property filter", () => {
    const view = decodeView(new URLSearchParams("range=last-month&groupBy=property:team,model&prop=team=growth&month=2026-11"));
    expect([view.range, view.from, view.groupBy, view.prop, view.month]).toEqual([
      "last-month",
      null,
      "property:team,model",
      "team=growth",
      "2026-11",
    ]);
    expect(encodeView(view).toString()).toBe("range=last-month&groupBy=property%3Ateam%2Cmodel&prop=team%3Dgrowth&month=2026-11");
    expect(validGroupBy("app,model,user,key")).toBeNull();
    expect(validGroupBy("team")).toBeNull();
    expect(decodeView(new URLSearchParams("groupBy=app,app")).groupBy).toBe("provider");
  });
});

describe("comparison", () => {
  it("computes Δ$ exactly and Δ% from the previous cost", () => {
    expect(change("0.3", "0.1")).toEqual({ deltaUsd: "0.2", ratio: 2 });
    expect(change("0.1", "0.3").deltaUsd).toBe("-0.2");
    expect(formatChangePercent(change("5", "0").ratio)).toBe("new");
    expect(formatChangePercent(-0.4512)).toBe("-45.1%");
  });
  it("shows the breakdown with one column per dimension and Δ columns when comparable", () => {
    render(
      <>
        <CoverageWarning data={report(true)} />
        <BreakdownTable data={report(true)} />
      </>,
    );
    expect(screen.queryByTestId("coverage-warning")).toBeNull();
    expect(screen.getAllByTestId("breakdown-dim").map((c) => c.textContent)).toEqual(["growth", "gpt-4o", "support", "gpt-4o"]);
    expect(screen.getAllByTestId("breakdown-delta").map((c) => c.textContent)).toEqual(["+$2.20", "+$0.00"]);
    expect(screen.getAllByTestId("breakdown-delta-pct").map((c) => c.textContent)).toEqual(["+200.0%", "new"]);
    expect(screen.getByTestId("breakdown-total-delta").textContent).toBe("+$2.20");
  });
  it("warns instead of showing growth when the previous period is partly covered", () => {
    render(
      <>
        <CoverageWarning data={report(false)} />
        <BreakdownTable data={report(false)} />
      </>,
    );
    expect(screen.getByTestId("coverage-warning").textContent).toContain("2026-10-15 09:00");
    expect(screen.queryAllByTestId("breakdown-delta")).toEqual([]);
  });
});

describe("chart tooltip", () => {
  it("lists series by value, largest first, with the total", () => {
    render(
      <SortedTooltip
        active
        label="2026-11-02"
        fmt={(v) => v.toFixed(2)}
        idx={(v) => v}
        payload={[
          { name: "alpha", value: 1 },
          { name: "beta", value: 3 },
          { name: "gamma", value: 0 },
          { name: "delta", value: 2 },
        ]}
      />,
    );
    expect(screen.getAllByTestId("chart-tooltip-row").map((r) => r.textContent)).toEqual(["beta3.00", "delta2.00", "alpha1.00"]);
    expect(screen.getByTestId("chart-tooltip-total").textContent).toBe("Total6.00");
  });
});

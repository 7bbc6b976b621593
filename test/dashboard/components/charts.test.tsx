// @vitest-environment jsdom
import { cleanup, fireEvent, render } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AreaChart } from "../../../dashboard/src/components/charts/AreaChart.tsx";
import { barClickHandler, clickHandler, colorFor, OUTCOME_COLORS } from "../../../dashboard/src/components/charts/common.tsx";
import { BarChart } from "../../../dashboard/src/components/charts/BarChart.tsx";
import { LineChart } from "../../../dashboard/src/components/charts/LineChart.tsx";
import { INDEX } from "../../../dashboard/src/lib/series.ts";
import { OTHER } from "../../../dashboard/src/lib/topn.ts";

afterEach(cleanup);

const data = [
  { [INDEX]: "2026-11-26T10:00:00.000Z", openai: 4, "gpt-4.1": 1, [OTHER]: 2 },
  { [INDEX]: "2026-11-26T11:00:00.000Z", openai: 0, "gpt-4.1": 3, [OTHER]: 0 },
  { [INDEX]: "2026-11-26T12:00:00.000Z", openai: 5, "gpt-4.1": 2, [OTHER]: 1 },
];
const categories = ["openai", "gpt-4.1", OTHER];

describe("chart wrappers", () => {
  it("AreaChart draws one area per category with a legend", () => {
    const { container, getByTestId } = render(
      <AreaChart data={data} index={INDEX} categories={categories} width={600} testId="c" valueFormatter={(v) => `$${v}`} />,
    );
    expect(getByTestId("c").getAttribute("data-rows")).toBe("3");
    expect(container.querySelectorAll(".recharts-area")).toHaveLength(3);
    const legend = [...container.querySelectorAll(".recharts-legend-item-text")].map((e) => e.textContent);
    expect(legend).toEqual(["openai", "gpt-4.1", OTHER]);
  });

  it("BarChart draws a bar per non-zero value and reports a clicked bar's index value", () => {
    const onIndexClick = vi.fn();
    const { container } = render(<BarChart data={data} index={INDEX} categories={categories} width={600} onIndexClick={onIndexClick} />);
    // 4+1+2, 0+3+0, 5+2+1 → 7 non-zero values; zero-height bars are not drawn
    const bars = container.querySelectorAll(".recharts-bar-rectangle path");
    expect(bars.length).toBe(7);
    expect(container.querySelectorAll(".recharts-legend-item")).toHaveLength(3);
    // the first series ("openai") has bars in the first and last buckets
    fireEvent.click(bars[1]!);
    expect(onIndexClick).toHaveBeenLastCalledWith("2026-11-26T12:00:00.000Z");
  });

  it("LineChart leaves gaps where values are null", () => {
    const gappy = [
      { [INDEX]: "a", p90: 100 },
      { [INDEX]: "b", p90: 200 },
      { [INDEX]: "c", p90: null },
      { [INDEX]: "d", p90: 150 },
      { [INDEX]: "e", p90: 120 },
    ];
    const { container } = render(<LineChart data={gappy} index={INDEX} categories={["p90"]} width={600} />);
    const path = container.querySelector(".recharts-line-curve")?.getAttribute("d") ?? "";
    // two separate segments: each starts with a move-to
    expect(path.match(/M/g)?.length).toBe(2);
  });

  it("uses a literal key for category names containing dots", () => {
    const { container } = render(<LineChart data={data} index={INDEX} categories={["gpt-4.1"]} width={600} />);
    const path = container.querySelector(".recharts-line-curve")?.getAttribute("d") ?? "";
    expect(path).toMatch(/^M/);
    expect(path.match(/M/g)?.length).toBe(1);
  });
});

describe("clickHandler", () => {
  it("hands on the clicked index value and ignores clicks outside the data", () => {
    const fn = vi.fn();
    const handle = clickHandler(fn);
    handle?.({ activeLabel: "2026-11-26T10:00:00.000Z" });
    handle?.({ activeLabel: undefined });
    handle?.(null);
    expect(fn.mock.calls).toEqual([["2026-11-26T10:00:00.000Z"]]);
    expect(clickHandler(undefined)).toBeUndefined();
  });
});

describe("barClickHandler", () => {
  it("reads the index value from the clicked bar's row", () => {
    const fn = vi.fn();
    barClickHandler(INDEX, fn)?.({ payload: { [INDEX]: "2026-11-26T11:00:00.000Z", openai: 3 } });
    barClickHandler(INDEX, fn)?.({});
    expect(fn.mock.calls).toEqual([["2026-11-26T11:00:00.000Z"]]);
    expect(barClickHandler(INDEX, undefined)).toBeUndefined();
  });
});

describe("colorFor", () => {
  it("uses fixed colours where given, grey for OTHER, the palette otherwise", () => {
    expect(colorFor("rate_limited", 5, OUTCOME_COLORS)).toBe(OUTCOME_COLORS.rate_limited);
    expect(colorFor(OTHER, 0, OUTCOME_COLORS)).toBe("#9ca3af");
    expect(colorFor("openai", 0)).toBe("#2563eb");
    expect(colorFor("x", 10)).toBe(colorFor("y", 0));
  });
});

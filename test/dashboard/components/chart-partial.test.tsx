// @vitest-environment jsdom
// Charts mark an in-progress last bucket instead of drawing it as a drop, draw a single bucket as bars, and
// offer their data as a table whose period buttons zoom (the keyboard's way to the chart's click).
import { cleanup, fireEvent, render } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AreaChart } from "../../../dashboard/src/components/charts/AreaChart.tsx";
import { BarChart } from "../../../dashboard/src/components/charts/BarChart.tsx";
import { LineChart } from "../../../dashboard/src/components/charts/LineChart.tsx";
import { PARTIAL_SUFFIX, splitPartial } from "../../../dashboard/src/components/charts/partial.ts";
import { partialBucket } from "../../../dashboard/src/lib/buckets.ts";
import { INDEX } from "../../../dashboard/src/lib/series.ts";

afterEach(cleanup);

const B = ["2026-11-26T10:00:00.000Z", "2026-11-26T11:00:00.000Z", "2026-11-26T12:00:00.000Z"];
const data = B.map((b, i) => ({ [INDEX]: b, openai: [4, 6, 1][i]!, anthropic: [2, 3, 0][i]! }));

describe("partialBucket", () => {
  it("is the last bucket when the range or the clock ends inside it", () => {
    const now = Date.parse("2026-11-26T12:20:00.000Z");
    expect(partialBucket(B, "hour", "2026-11-26T12:20:00.000Z", now)).toBe(B[2]);
    expect(partialBucket(B, "hour", "2026-11-26T13:00:00.000Z", now)).toBe(B[2]);
    expect(partialBucket(B, "hour", "2026-11-26T13:00:00.000Z", Date.parse("2026-11-26T14:00:00.000Z"))).toBeNull();
    expect(partialBucket([], "hour", "2026-11-26T13:00:00.000Z", now)).toBeNull();
  });
});

describe("splitPartial", () => {
  it("moves the partial value to a dashed series joined to the bucket before", () => {
    const rows = splitPartial(data, INDEX, ["openai"], B[2]);
    expect(rows.map((r) => r.openai)).toEqual([4, 6, null]);
    expect(rows.map((r) => r["openai" + PARTIAL_SUFFIX] ?? null)).toEqual([null, 6, 1]);
    expect(splitPartial(data, INDEX, ["openai"], null)).toEqual(data);
  });
});

describe("chart components", () => {
  it("draw a partial last bucket's bars lighter and say so in the caption", () => {
    const { container, getByTestId } = render(
      <BarChart data={data} index={INDEX} categories={["openai", "anthropic"]} width={600} partial={B[2]} testId="c" />,
    );
    expect(getByTestId("c").getAttribute("data-partial")).toBe(B[2]);
    expect(container.querySelectorAll(".bar-partial").length).toBeGreaterThan(0);
    expect(getByTestId("chart-partial-note").textContent).toMatch(/still in progress/);
  });

  it("draw a line's partial segment dashed, not as a drop of the solid line", () => {
    const { container } = render(<LineChart data={data} index={INDEX} categories={["openai"]} width={600} partial={B[2]} />);
    const curves = [...container.querySelectorAll(".recharts-line-curve")];
    expect(curves).toHaveLength(2);
    expect(curves[1]!.getAttribute("stroke-dasharray")).toBe("4 3");
    // the legend names the series once
    expect([...container.querySelectorAll(".recharts-legend-item")].map((e) => e.textContent)).toEqual(["openai"]);
  });

  it("draw a single bucket as bars, not floating dots", () => {
    const one = [data[0]!];
    for (const chart of [
      <LineChart key="l" data={one} index={INDEX} categories={["openai"]} width={600} />,
      <AreaChart key="a" data={one} index={INDEX} categories={["openai", "anthropic"]} width={600} />,
    ]) {
      const { container, unmount } = render(chart);
      expect(container.querySelectorAll(".recharts-bar-rectangle").length).toBeGreaterThan(0);
      expect(container.querySelector(".recharts-line-curve, .recharts-area-area")).toBeNull();
      unmount();
    }
  });

  it("show their data as a table whose periods zoom by keyboard", () => {
    const zoom = vi.fn();
    const { getByTestId, getByRole } = render(
      <BarChart
        data={data}
        index={INDEX}
        categories={["openai", "anthropic"]}
        width={600}
        valueFormatter={(v) => `${v} calls`}
        onIndexClick={zoom}
        partial={B[2]}
        testId="c"
      />,
    );
    fireEvent.click(getByTestId("c-toggle"));
    const table = getByTestId("c-table");
    expect([...table.querySelectorAll("tbody tr")].map((r) => [...r.children].map((c) => c.textContent))).toEqual([
      [B[0], "4 calls", "2 calls"],
      [B[1], "6 calls", "3 calls"],
      [`${B[2]} (in progress)`, "1 calls", "0 calls"],
    ]);
    const button = getByRole("button", { name: B[1] });
    button.focus();
    fireEvent.click(button);
    expect(zoom).toHaveBeenCalledWith(B[1]);
  });
});

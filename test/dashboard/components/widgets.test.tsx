// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../../dashboard/src/api.ts";
import { DataView } from "../../../dashboard/src/components/DataView.tsx";
import { ShareTable } from "../../../dashboard/src/components/ShareTable.tsx";
import { TimeRangePicker } from "../../../dashboard/src/components/TimeRangePicker.tsx";
import { shareTable } from "../../../dashboard/src/lib/topn.ts";
import { DEFAULT_VIEW } from "../../../dashboard/src/lib/url-state.ts";

afterEach(cleanup);

describe("DataView", () => {
  const reload = () => {};
  it("shows loading, then errors, empty states and data", () => {
    const { rerender } = render(<DataView state={{ data: undefined, error: undefined, loading: true, reload }}>{() => "data"}</DataView>);
    expect(screen.getByTestId("loading")).toBeTruthy();
    rerender(
      <DataView
        state={{ data: undefined, error: new ApiError(400, "invalid_request", "from: must be an ISO-8601 time"), loading: false, reload }}
      >
        {() => "data"}
      </DataView>,
    );
    expect(screen.getByTestId("error").textContent).toBe("The API answered 400 (invalid_request): from: must be an ISO-8601 time");
    rerender(
      <DataView
        state={{ data: [] as number[], error: undefined, loading: false, reload }}
        isEmpty={(d) => d.length === 0}
        empty="Nothing here."
      >
        {() => "data"}
      </DataView>,
    );
    expect(screen.getByTestId("empty").textContent).toBe("Nothing here.");
    rerender(
      <DataView state={{ data: [1, 2], error: undefined, loading: false, reload }} isEmpty={(d) => d.length === 0}>
        {(d) => <span data-testid="d">{d.join("+")}</span>}
      </DataView>,
    );
    expect(screen.getByTestId("d").textContent).toBe("1+2");
  });
});

describe("ShareTable", () => {
  it("shows cost, share and calls per group, with the rest folded into one row", () => {
    const rows = shareTable(
      [
        { key: "search", costUsd: "7.5", calls: 75 },
        { key: "chat", costUsd: "2", calls: 20 },
        { key: "batch", costUsd: "0.5", calls: 5 },
      ],
      "10",
      2,
    );
    render(<ShareTable rows={rows} keyLabel="App" testId="top-apps" hrefFor={(k) => `#/spend?app=${k}`} />);
    const trs = screen.getAllByTestId("top-apps-row");
    expect(trs.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent))).toEqual([
      ["search", "$7.50", "75.0%", "75"],
      ["chat", "$2.00", "20.0%", "20"],
      ["(other) 1 more", "$0.50", "5.0%", "5"],
    ]);
    expect(trs[0]?.querySelector("a")?.getAttribute("href")).toBe("#/spend?app=search");
    expect(trs[2]?.querySelector("a")).toBeNull();
  });
});

describe("TimeRangePicker", () => {
  const resolved = { from: "2026-11-25T12:00:00.000Z", to: "2026-11-26T12:00:00.000Z", interval: "hour" as const };
  it("picks presets", () => {
    const onChange = vi.fn();
    render(<TimeRangePicker view={DEFAULT_VIEW} resolved={resolved} onChange={onChange} />);
    expect(screen.getByTestId("range-24h").getAttribute("aria-pressed")).toBe("true");
    fireEvent.click(screen.getByTestId("range-7d"));
    expect(onChange).toHaveBeenCalledWith({ range: "7d", from: null, to: null });
  });
  it("applies a custom UTC range and refuses a reversed one", () => {
    const onChange = vi.fn();
    render(<TimeRangePicker view={DEFAULT_VIEW} resolved={resolved} onChange={onChange} />);
    fireEvent.click(screen.getByTestId("range-custom"));
    expect((screen.getByTestId("range-from") as HTMLInputElement).value).toBe("2026-11-25T12:00");
    fireEvent.change(screen.getByTestId("range-from"), { target: { value: "2026-11-27T00:00" } });
    fireEvent.click(screen.getByTestId("range-apply"));
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByRole("alert").textContent).toMatch(/before/);
    fireEvent.change(screen.getByTestId("range-from"), { target: { value: "2026-11-20T08:30" } });
    fireEvent.click(screen.getByTestId("range-apply"));
    expect(onChange).toHaveBeenCalledWith({ range: "custom", from: "2026-11-20T08:30:00.000Z", to: "2026-11-26T12:00:00.000Z" });
  });
});

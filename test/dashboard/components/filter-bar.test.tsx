// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FilterBar } from "../../../dashboard/src/components/FilterBar.tsx";
import { DEFAULT_VIEW } from "../../../dashboard/src/lib/url-state.ts";
import { stubFetch } from "../support/fetch-stub.ts";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("FilterBar", () => {
  const noCallFilters = DEFAULT_VIEW.callFilters;
  it("applies trimmed filters and clears them", () => {
    const onChange = vi.fn();
    const view = { ...DEFAULT_VIEW, filters: { ...DEFAULT_VIEW.filters, app: "search" } };
    render(<FilterBar view={view} page="calls" onChange={onChange} />);
    fireEvent.change(screen.getByTestId("filter-provider"), { target: { value: " openai " } });
    fireEvent.change(screen.getByTestId("filter-outcome"), { target: { value: "timeout" } });
    fireEvent.click(screen.getByTestId("filter-apply"));
    expect(onChange).toHaveBeenLastCalledWith({
      filters: { provider: "openai", app: "search", model: null, outcome: "timeout" },
      callFilters: noCallFilters,
      prop: null,
    });
    fireEvent.click(screen.getByTestId("filter-clear"));
    expect(onChange).toHaveBeenLastCalledWith({
      filters: { provider: null, app: null, model: null, outcome: null },
      callFilters: noCallFilters,
      prop: null,
    });
  });
  it("has no outcome or call filters on report pages", () => {
    render(<FilterBar view={DEFAULT_VIEW} page="failures" onChange={() => {}} />);
    expect(screen.queryByTestId("filter-outcome")).toBeNull();
    expect(screen.queryByTestId("filter-status")).toBeNull();
    expect(screen.queryByTestId("filter-prop")).toBeNull();
    expect(screen.queryByTestId("filter-clear")).toBeNull();
  });
  it("offers any failure, status, latency and cost above on the call log, and refuses what the API would", () => {
    const onChange = vi.fn();
    render(<FilterBar view={DEFAULT_VIEW} page="calls" onChange={onChange} />);
    expect(screen.getByRole("option", { name: "any failure" })).toBeTruthy();
    fireEvent.change(screen.getByTestId("filter-outcome"), { target: { value: "failed" } });
    fireEvent.change(screen.getByTestId("filter-status"), { target: { value: "4299" } });
    fireEvent.click(screen.getByTestId("filter-apply"));
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByTestId("filter-invalid").textContent).toBe("status: a status code, 100–599");
    fireEvent.change(screen.getByTestId("filter-status"), { target: { value: "429" } });
    fireEvent.change(screen.getByTestId("filter-latencyAboveMs"), { target: { value: "2000" } });
    fireEvent.change(screen.getByTestId("filter-costAboveUsd"), { target: { value: "0.05" } });
    fireEvent.change(screen.getByTestId("filter-prop"), { target: { value: "team=payments" } });
    fireEvent.click(screen.getByTestId("filter-apply"));
    expect(onChange).toHaveBeenLastCalledWith({
      filters: { provider: null, app: null, model: null, outcome: "failed" },
      callFilters: { user: null, status: "429", latencyAboveMs: "2000", costAboveUsd: "0.05" },
      prop: "team=payments",
    });
  });
  it("suggests known values as you type and shows when nothing known matches", async () => {
    const calls = stubFetch((url) => {
      if (url.pathname !== "/api/suggest") return undefined;
      const prefix = url.searchParams.get("prefix") ?? "";
      const known = url.searchParams.get("field") === "propertyValue" ? ["payments", "search"] : ["checkout", "chat", "search"];
      return {
        body: {
          field: url.searchParams.get("field"),
          source: "rollups",
          values: known.filter((v) => v.startsWith(prefix)).map((value) => ({ value, calls: 1 })),
        },
      };
    });
    render(<FilterBar view={DEFAULT_VIEW} page="calls" onChange={() => {}} />);
    const options = (id: string) => [...screen.getByTestId(`${id}-options`).querySelectorAll("option")].map((o) => o.getAttribute("value"));
    fireEvent.change(screen.getByTestId("filter-app"), { target: { value: "ch" } });
    await waitFor(() => expect(options("filter-app")).toEqual(["checkout", "chat"]));
    expect(calls.at(-1)?.url.search).toBe("?field=app&prefix=ch");
    fireEvent.change(screen.getByTestId("filter-app"), { target: { value: "chekout" } });
    expect((await screen.findByTestId("filter-app-unknown")).textContent).toBe("no known app starts with “chekout”");
    fireEvent.change(screen.getByTestId("filter-prop"), { target: { value: "team=pa" } });
    await waitFor(() => expect(options("filter-prop")).toEqual(["team=payments"]));
    expect(calls.at(-1)?.url.search).toBe("?field=propertyValue&prefix=pa&name=team");
  });
});

// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { prices } from "../support/fixtures.ts";
import { renderApp, teardown } from "../support/render-app.tsx";

afterEach(teardown);

describe("Prices page", () => {
  it("lists unpriced models first, then the table, and adds a price from an unpriced row", async () => {
    let added = false;
    const { calls } = renderApp("#/prices", (url, method, body) => {
      if (url.pathname !== "/api/prices") return undefined;
      if (method === "POST") {
        added = true;
        return { status: 201, body: { ...(body as object), id: "p-new", source: "manual" } };
      }
      return { body: added ? { unpriced: [], prices: [...prices.prices, { ...prices.prices[0]!, id: "p-new", model: "gpt-9" }] } : prices };
    });
    const unpriced = await screen.findByTestId("unpriced");
    const table = screen.getByTestId("prices");
    expect(unpriced.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getByTestId("unpriced-calls").textContent).toBe("3");
    expect(screen.getAllByTestId("price-table-row")).toHaveLength(2);
    expect(screen.queryByTestId("range-picker")).toBeNull();

    fireEvent.click(screen.getByText("Set price ↓"));
    await waitFor(() => expect((screen.getByTestId("price-model") as HTMLInputElement).value).toBe("gpt-9"));
    fireEvent.change(screen.getByTestId("price-inputUsdPerMTok"), { target: { value: "3" } });
    fireEvent.change(screen.getByTestId("price-outputUsdPerMTok"), { target: { value: "12" } });
    fireEvent.click(screen.getByTestId("price-submit"));
    expect((await screen.findByTestId("price-saved")).textContent).toMatch(/^Saved openai \/ gpt-9 from /);
    await waitFor(() => expect(screen.getAllByTestId("price-table-row")).toHaveLength(3));
    expect(screen.getByTestId("no-unpriced")).toBeTruthy();
    const post = calls.find((c) => c.method === "POST");
    expect(post?.body).toMatchObject({ provider: "openai", model: "gpt-9", inputUsdPerMTok: "3", outputUsdPerMTok: "12" });
  });

  it("filters the table", async () => {
    renderApp("#/prices");
    await screen.findByTestId("prices");
    fireEvent.change(screen.getByTestId("prices-search"), { target: { value: "MINI" } });
    expect(screen.getAllByTestId("price-table-row").map((r) => r.children[1]?.textContent)).toEqual(["gpt-4o-mini"]);
  });
});

describe("Prices page with a large table", () => {
  it("shows the first rows and says how many match", async () => {
    const many = Array.from({ length: 450 }, (_, i) => ({ ...prices.prices[0]!, id: `p${i}`, model: `model-${i}` }));
    renderApp("#/prices", (url) => (url.pathname === "/api/prices" ? { body: { unpriced: [], prices: many } } : undefined));
    await screen.findByTestId("prices");
    expect(screen.getAllByTestId("price-table-row")).toHaveLength(200);
    expect(screen.getByTestId("prices-shown").textContent).toBe("Dollars per million tokens. Showing 200 of 450 matching rows; filter to narrow.");
    fireEvent.change(screen.getByTestId("prices-search"), { target: { value: "model-44" } });
    expect(screen.getAllByTestId("price-table-row").map((r) => r.children[1]?.textContent)).toEqual(["model-44", "model-440", "model-441", "model-442", "model-443", "model-444", "model-445", "model-446", "model-447", "model-448", "model-449"]);
  });
});

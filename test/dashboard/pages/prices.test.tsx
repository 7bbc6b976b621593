// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { prices, pricesPage } from "../support/fixtures.ts";
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
      return {
        body: added
          ? pricesPage([], [...prices.prices, { ...prices.prices[0]!, id: "p-new", model: "gpt-9" }], url)
          : pricesPage(prices.unpriced, prices.prices, url),
      };
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

  it("searches the table through the API", async () => {
    const { calls } = renderApp("#/prices");
    await screen.findByTestId("prices");
    fireEvent.change(screen.getByTestId("prices-search"), { target: { value: "MINI" } });
    await waitFor(() => expect(screen.getAllByTestId("price-table-row").map((r) => r.children[1]?.textContent)).toEqual(["gpt-4o-mini"]));
    expect(calls.at(-1)?.url.search).toBe("?limit=100&search=MINI");
  });
});

describe("Prices page with a large table", () => {
  it("asks for one page at a time, says which rows are shown and pages on", async () => {
    const many = Array.from({ length: 250 }, (_, i) => ({
      ...prices.prices[0]!,
      id: `p${i}`,
      model: `model-${String(i).padStart(3, "0")}`,
    }));
    const { calls } = renderApp("#/prices", (url) => (url.pathname === "/api/prices" ? { body: pricesPage([], many, url) } : undefined));
    await screen.findByTestId("prices");
    expect(screen.getAllByTestId("price-table-row")).toHaveLength(100);
    expect(calls.at(-1)?.url.search).toBe("?limit=100");
    expect(screen.getByTestId("prices-shown").textContent).toBe("Dollars per million tokens. Rows 1–100 of 250.");
    expect((screen.getByTestId("prices-prev") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("prices-next"));
    fireEvent.click(await screen.findByText("Next →", { selector: "button:not([disabled])" }));
    await waitFor(() => expect(screen.getByTestId("prices-shown").textContent).toBe("Dollars per million tokens. Rows 201–250 of 250."));
    expect(calls.at(-1)?.url.search).toBe("?limit=100&offset=200");
    expect((screen.getByTestId("prices-next") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId("prices-search"), { target: { value: "model-04" } });
    await waitFor(() => expect(screen.getAllByTestId("price-table-row")).toHaveLength(10));
    expect(calls.at(-1)?.url.search).toBe("?limit=100&search=model-04");
  });
});

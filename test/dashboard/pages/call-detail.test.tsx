// @vitest-environment jsdom
import { screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { makeCall } from "../support/fixtures.ts";
import { defaultApi, renderApp, teardown } from "../support/render-app.tsx";

afterEach(teardown);

describe("Call detail page", () => {
  it("shows every field, tokens by kind, the exact cost and the price row used", async () => {
    const call = {
      ...makeCall({ id: "ok-1" }),
      finishReasons: ["stop", "length"],
      price: {
        id: "price-4.1",
        provider: "openai",
        model: "gpt-4.1",
        matchType: "exact",
        serviceTier: null,
        effectiveFrom: "2025-04-14T00:00:00.000Z",
        inputUsdPerMTok: "2.0000000000",
        cachedInputUsdPerMTok: "0.5",
        cacheWriteUsdPerMTok: null,
        cacheWrite1hUsdPerMTok: null,
        outputUsdPerMTok: "8",
        tiers: null,
        source: "genai-prices",
      },
    };
    const { calls } = renderApp("#/calls/ok-1?range=7d", (url, m, b) =>
      url.pathname === "/api/calls/ok-1" ? { body: call } : defaultApi(url, m, b),
    );
    expect((await screen.findByTestId("call-cost")).textContent).toBe("$0.004800");
    expect(screen.getByTestId("call-cost-exact").textContent).toBe("$0.0048");
    expect(screen.getByTestId("tokens-input").textContent).toBe("1,200");
    expect(screen.getByTestId("tokens-cached").textContent).toBe("200");
    expect(screen.getByTestId("tokens-output").textContent).toBe("300");
    expect(screen.queryByTestId("call-error")).toBeNull();
    const price = screen.getByTestId("price-row").textContent ?? "";
    expect(price).toContain("$2.00");
    expect(price).toContain("$0.50");
    expect(price).toContain("price-4.1");
    for (const f of [
      "id",
      "startedAt",
      "responseModel",
      "properties",
      "upstreamRequestId",
      "usageSource",
      "overheadMs",
      "requestBytes",
      "errorBody",
    ]) {
      expect(screen.getByTestId(`field-${f}`)).toBeTruthy();
    }
    expect(screen.getByTestId("field-properties").textContent).toBe('properties{"team":"growth"}');
    expect(screen.getByTestId("call-finish-reasons").textContent).toBe("stop, length");
    expect(screen.getByTestId("field-finishReasons").textContent).toBe("finishReasonsstop, length");
    expect(screen.getByTestId("back-to-calls").getAttribute("href")).toBe("#/calls?range=7d");
    expect(calls.map((c) => c.url.pathname).filter((p) => p !== "/api/reports/source")).toEqual(["/api/calls/ok-1"]);
  });

  it("a failed call that used no tokens costs $0 and asks for no price; no time to first token for an error reply", async () => {
    // as the server records it: priced at exactly 0 without a price row, no time to first token
    const call = {
      ...makeCall({
        id: "f-1",
        outcome: "bad_request",
        status: 400,
        inputTokens: 0,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 0,
        reasoningTokens: 0,
        usageSource: "none",
        costUsd: "0.0",
        priceId: null,
        priced: true,
        ttftMs: null,
      }),
      price: null,
    };
    renderApp("#/calls/f-1", (url, m, b) => (url.pathname === "/api/calls/f-1" ? { body: call } : defaultApi(url, m, b)));
    expect((await screen.findByTestId("call-cost")).textContent).toBe("$0.000000");
    expect(screen.getByTestId("call-cost-exact").textContent).toBe("$0.00");
    expect(screen.getByTestId("call-price").textContent).not.toContain("no price matched");
    expect(screen.getByTestId("call-price").textContent).not.toContain("Add a price");
    expect(screen.queryByTestId("call-ttft")).toBeNull();
    expect(screen.queryByTestId("call-finish-reasons")).toBeNull();
  });

  it("calls an error reply's timed first byte what it is, not a time to first token", async () => {
    // a row recorded before the server stopped timing error replies
    const call = { ...makeCall({ id: "f-2", outcome: "rate_limited", status: 429, ttftMs: 41 }), price: null };
    renderApp("#/calls/f-2", (url, m, b) => (url.pathname === "/api/calls/f-2" ? { body: call } : defaultApi(url, m, b)));
    const kpi = (await screen.findByTestId("call-ttft")).closest(".kpi");
    expect(kpi?.textContent).toBe("Time to first byte (error reply)41 ms");
  });

  it("says when the call does not exist", async () => {
    renderApp("#/calls/nope", () => ({ status: 404, body: { error: { type: "not_found", message: "no call nope" } } }));
    expect((await screen.findByTestId("error")).textContent).toBe("The API answered 404 (not_found): no call nope");
  });
});

// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LoginForm } from "../../../dashboard/src/components/LoginForm.tsx";
import { PriceForm } from "../../../dashboard/src/components/PriceForm.tsx";
import { stubFetch } from "../support/fetch-stub.ts";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("LoginForm", () => {
  it("posts the token as JSON and reports a wrong one", async () => {
    const calls = stubFetch((_url, _m, body) =>
      (body as { token: string }).token === "s3cret"
        ? { status: 204 }
        : { status: 401, body: { error: { type: "unauthorized", message: "bad token" } } },
    );
    const onSignedIn = vi.fn();
    render(<LoginForm onSignedIn={onSignedIn} />);
    fireEvent.change(screen.getByTestId("login-token"), { target: { value: "wrong" } });
    fireEvent.click(screen.getByTestId("login-submit"));
    expect((await screen.findByTestId("login-error")).textContent).toBe("That token is not right.");
    expect(onSignedIn).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId("login-token"), { target: { value: "s3cret" } });
    fireEvent.click(screen.getByTestId("login-submit"));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
    expect(calls.map((c) => [c.method, c.url.pathname, c.body, c.credentials])).toEqual([
      ["POST", "/api/login", { token: "wrong" }, "same-origin"],
      ["POST", "/api/login", { token: "s3cret" }, "same-origin"],
    ]);
  });
});

describe("PriceForm", () => {
  it("shows field errors without posting, then posts a valid row", async () => {
    const calls = stubFetch((_url, method, body) =>
      method === "POST" ? { status: 201, body: { ...(body as object), id: "p-new", source: "manual" } } : undefined,
    );
    const onCreated = vi.fn();
    render(<PriceForm prefill={{ provider: "openai", model: "gpt-9" }} onCreated={onCreated} />);
    expect((screen.getByTestId("price-model") as HTMLInputElement).value).toBe("gpt-9");
    fireEvent.change(screen.getByTestId("price-inputUsdPerMTok"), { target: { value: "abc" } });
    fireEvent.click(screen.getByTestId("price-submit"));
    expect(screen.getByTestId("price-error-inputUsdPerMTok").textContent).toMatch(/decimal/);
    expect(screen.getByTestId("price-error-outputUsdPerMTok").textContent).toBe("required");
    expect(calls).toHaveLength(0);

    fireEvent.change(screen.getByTestId("price-inputUsdPerMTok"), { target: { value: "1.25" } });
    fireEvent.change(screen.getByTestId("price-outputUsdPerMTok"), { target: { value: "10" } });
    fireEvent.change(screen.getByTestId("price-effectiveFrom"), { target: { value: "2026-11-01T00:00" } });
    fireEvent.click(screen.getByTestId("price-submit"));
    await waitFor(() => expect(onCreated).toHaveBeenCalledTimes(1));
    expect(calls[0]?.url.pathname).toBe("/api/prices");
    expect(calls[0]?.body).toEqual({
      provider: "openai",
      model: "gpt-9",
      matchType: "exact",
      serviceTier: null,
      effectiveFrom: "2026-11-01T00:00:00.000Z",
      inputUsdPerMTok: "1.25",
      cachedInputUsdPerMTok: null,
      cacheWriteUsdPerMTok: null,
      cacheWrite1hUsdPerMTok: null,
      outputUsdPerMTok: "10",
      tiers: null,
    });
  });
  it("shows the API's refusal", async () => {
    stubFetch(() => ({ status: 400, body: { error: { type: "invalid_request", message: "model: already priced from that time" } } }));
    render(<PriceForm prefill={null} onCreated={() => {}} />);
    for (const [k, v] of [
      ["provider", "openai"],
      ["model", "gpt-4o"],
      ["inputUsdPerMTok", "2.5"],
      ["outputUsdPerMTok", "10"],
    ] as const) {
      fireEvent.change(screen.getByTestId(`price-${k}`), { target: { value: v } });
    }
    fireEvent.click(screen.getByTestId("price-submit"));
    expect((await screen.findByTestId("price-problem")).textContent).toBe(
      "The API refused the price: model: already priced from that time",
    );
  });
});

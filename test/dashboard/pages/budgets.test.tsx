// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { accessApi, SEARCH_KEY } from "../support/access-api.ts";
import { renderApp, teardown } from "../support/render-app.tsx";

afterEach(teardown);

const rows = () => screen.getAllByTestId("budget-row");
const row = (id: string) => rows().find((r) => r.getAttribute("data-budget-id") === id)!;
const cell = (id: string, testId: string) => within(row(id)).getByTestId(testId).textContent;

describe("Budgets page", () => {
  it("shows each budget's limit, spend, reservations and share used, highlighting 80% and over", async () => {
    renderApp("#/budgets", accessApi().handler);
    await screen.findByTestId("budgets");
    expect(screen.getByTestId("budgets-month").textContent).toBe("November 2026 (UTC) so far");
    expect(screen.getByTestId("nav-budgets").getAttribute("aria-current")).toBe("page");
    expect(screen.queryByTestId("range-picker")).toBeNull();
    expect(rows().map((r) => [r.getAttribute("data-budget-id"), r.getAttribute("data-level")])).toEqual([
      ["app:batch", "over"],
      ["app:checkout", "ok"],
      [`key:${SEARCH_KEY}`, "near"],
    ]);
    expect(
      ["budget-limit", "budget-spent", "budget-reserved", "budget-remaining", "budget-share"].map((t) => cell("app:checkout", t)),
    ).toEqual(["$250.00", "$12.50", "<$0.01", "$237.50", "5.0%"]);
    expect(within(row("app:checkout")).getByTestId("budget-remaining").getAttribute("title")).toBe("$237.4958");
    expect(within(row("app:checkout")).queryByTestId("budget-status")).toBeNull();
    expect(cell("app:checkout", "budget-unpriced")).toBe("3 unpriced calls not counted");
    expect(within(row("app:batch")).queryByTestId("budget-unpriced")).toBeNull();
    expect(["budget-remaining", "budget-share", "budget-status"].map((t) => cell("app:batch", t))).toEqual([
      "-$0.25",
      "102.5%",
      "over by $0.25",
    ]);
    expect(row("app:batch").className).toContain("level-over");
    expect([
      cell(`key:${SEARCH_KEY}`, "budget-key"),
      cell(`key:${SEARCH_KEY}`, "budget-share"),
      cell(`key:${SEARCH_KEY}`, "budget-status"),
    ]).toEqual(["tg_Srch12…", "85.0%", "80% or more used"]);
    expect(cell("app:checkout", "budget-key")).toBe("whole app");
    // the period and the period-end forecast
    expect([cell("app:batch", "budget-period-cell"), cell("app:checkout", "budget-period-cell")]).toEqual([
      "week 2026-W48",
      "month 2026-11",
    ]);
    expect([
      cell("app:checkout", "budget-forecast-verdict"),
      cell(`key:${SEARCH_KEY}`, "budget-forecast-verdict"),
      cell("app:batch", "budget-forecast-verdict"),
    ]).toEqual(["on track", "will exceed by $12.25 around Nov 29", "limit passed; heading $4.50 over"]);
    expect(within(row(`key:${SEARCH_KEY}`)).getByTestId("budget-forecast").textContent).toContain("$112.25");
    const bar = within(row("app:checkout")).getByRole("meter");
    expect(bar.getAttribute("aria-valuenow")).toBe("5");
    expect((bar.children[0] as HTMLElement).style.width).toBe("5%");
  });

  it("shows the webhooks, each notice's delivery and every attempt, failed ones included", async () => {
    renderApp("#/budgets", accessApi().handler);
    const attempts = await screen.findAllByTestId("budget-attempt-row");
    expect(screen.getByTestId("budget-webhook").textContent).toContain("ops → https://hooks.example.com/… (slack)");
    expect(screen.getAllByTestId("budget-notice-kind").map((e) => e.textContent)).toEqual(["100% reached"]);
    expect(screen.getByTestId("budget-notice-delivery").textContent).toBe("ops: delivered (2 attempts)");
    expect(attempts.map((r) => within(r).getByTestId("budget-attempt-result").textContent)).toEqual(["HTTP 200 delivered", "HTTP 500"]);
    expect(attempts[1]!.className).toContain("level-over");
  });

  it("checks the form before sending, then saves a budget and shows it", async () => {
    const api = accessApi();
    const { calls } = renderApp("#/budgets", api.handler);
    await screen.findByTestId("budgets");
    fireEvent.change(screen.getByTestId("budget-monthlyUsd"), { target: { value: "1,25" } });
    fireEvent.click(screen.getByTestId("budget-submit"));
    expect(screen.getByTestId("budget-error-app").textContent).toBe("required");
    expect(screen.getByTestId("budget-error-monthlyUsd").textContent).toBe("a dollar amount, e.g. 250 or 99.50");
    expect(calls.filter((c) => c.method === "PUT")).toHaveLength(0);

    fireEvent.change(screen.getByTestId("budget-app"), { target: { value: "chat" } });
    fireEvent.change(screen.getByTestId("budget-monthlyUsd"), { target: { value: "$1,250.50" } });
    fireEvent.change(screen.getByTestId("budget-action"), { target: { value: "alert" } });
    fireEvent.change(screen.getByTestId("budget-period"), { target: { value: "week" } });
    fireEvent.click(screen.getByTestId("budget-submit"));
    expect((await screen.findByTestId("budgets-message")).textContent).toBe("Saved: chat may spend $1,250.50 a week (alert).");
    const put = calls.find((c) => c.method === "PUT")!;
    expect([put.url.pathname, put.body]).toEqual(["/api/budgets/chat", { limitUsd: "1250.5", period: "week", action: "alert" }]);
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(cell("app:chat", "budget-limit")).toBe("$1,250.50");
    expect((screen.getByTestId("budget-app") as HTMLInputElement).value).toBe("");
  });

  it("edits a key's budget from its row and deletes a budget only after confirming", async () => {
    const api = accessApi();
    const { calls } = renderApp("#/budgets", api.handler);
    await screen.findByTestId("budgets");
    fireEvent.click(within(row(`key:${SEARCH_KEY}`)).getByTestId("budget-edit"));
    expect((screen.getByTestId("budget-app") as HTMLInputElement).value).toBe("search");
    expect((screen.getByTestId("budget-keyId") as HTMLSelectElement).value).toBe(SEARCH_KEY);
    expect((screen.getByTestId("budget-monthlyUsd") as HTMLInputElement).value).toBe("100");
    fireEvent.change(screen.getByTestId("budget-monthlyUsd"), { target: { value: "120" } });
    fireEvent.click(screen.getByTestId("budget-submit"));
    await waitFor(() => expect(cell(`key:${SEARCH_KEY}`, "budget-limit")).toBe("$120.00"));
    expect(calls.find((c) => c.method === "PUT")?.body).toEqual({ limitUsd: "120", period: "month", action: "alert", keyId: SEARCH_KEY });

    fireEvent.click(within(row("app:batch")).getByTestId("budget-delete"));
    expect(within(row("app:batch")).getByTestId("budget-delete-confirm").textContent).toContain("Delete the budget of batch?");
    fireEvent.click(within(row("app:batch")).getByTestId("budget-delete-cancel"));
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(0);
    fireEvent.click(within(row(`key:${SEARCH_KEY}`)).getByTestId("budget-delete"));
    fireEvent.click(within(row(`key:${SEARCH_KEY}`)).getByTestId("budget-delete-yes"));
    await waitFor(() => expect(rows().map((r) => r.getAttribute("data-budget-id"))).toEqual(["app:batch", "app:checkout"]));
    const del = calls.find((c) => c.method === "DELETE")!;
    expect(`${del.url.pathname}${del.url.search}`).toBe(`/api/budgets/search?keyId=${SEARCH_KEY}`);
    expect(screen.getByTestId("budgets-message").textContent).toBe("Deleted the budget of search (key).");
  });

  it("says when there are no budgets, and shows the API's error", async () => {
    const empty = accessApi({ budgets: [], keys: [] });
    renderApp("#/budgets", empty.handler);
    expect((await screen.findAllByTestId("empty")).map((e) => e.textContent)).toEqual([
      "No budgets yet: every app can spend without a cap. Set one below.",
      "No virtual keys yet. Apps pass their own provider keys through.",
    ]);
    teardown();
    renderApp("#/budgets", (url) =>
      url.pathname === "/api/budgets"
        ? { status: 500, body: { error: { type: "internal", message: "database unavailable" } } }
        : accessApi().handler(url, "GET", undefined),
    );
    expect((await screen.findByTestId("error")).textContent).toBe("The API answered 500 (internal): database unavailable");
    expect(await screen.findByTestId("keys")).toBeTruthy();
  });

  it("asks to sign in when the API answers 401", async () => {
    renderApp("#/budgets", () => ({ status: 401, body: { error: { type: "unauthorized", message: "admin token required" } } }));
    expect(await screen.findByTestId("login-form")).toBeTruthy();
  });
});

describe("Keys on the Budgets page", () => {
  afterEach(() => {
    delete (navigator as { clipboard?: unknown }).clipboard;
  });

  it("lists keys by prefix, shows a new key's secret once with a copy button, and revokes after confirming", async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const api = accessApi();
    const { calls } = renderApp("#/budgets", api.handler);
    await screen.findByTestId("keys");
    const keyRows = () => screen.getAllByTestId("key-row");
    expect(keyRows().map((r) => [...r.children].slice(0, 7).map((c) => c.textContent))).toEqual([
      ["tg_Srch12…", "search", "openai", "2026-11-02 09:00:00 UTC", "2027-06-30 00:00:00 UTC", "2026-11-26 11:58:00 UTC", "active"],
      ["tg_Old999…", "checkout", "any", "2026-10-01 00:00:00 UTC", "never", "never", "revoked 2026-11-20 08:30:00 UTC"],
    ]);
    expect(within(keyRows()[1]!).queryByTestId("key-revoke")).toBeNull();
    expect(screen.getAllByTestId("key-scopes-list").map((c) => c.textContent)).toEqual(["inference, models, files", "inference, models"]);

    fireEvent.change(screen.getByTestId("key-expiresAt"), { target: { value: "2026-11-26T11:00" } });
    fireEvent.click(screen.getByTestId("key-submit"));
    expect(screen.getByTestId("key-error-app").textContent).toBe("required");
    expect(screen.getByTestId("key-error-expiresAt").textContent).toBe("must be in the future");
    fireEvent.change(screen.getByTestId("key-app"), { target: { value: "chat" } });
    fireEvent.change(screen.getByTestId("key-provider"), { target: { value: "anthropic" } });
    fireEvent.change(screen.getByTestId("key-expiresAt"), { target: { value: "" } });
    fireEvent.click(screen.getByTestId("key-scope-batches"));
    fireEvent.click(screen.getByTestId("key-scope-files"));
    fireEvent.click(screen.getByTestId("key-submit"));
    const secret = (await screen.findByTestId("new-key-secret")) as HTMLInputElement;
    expect(secret.value).toBe("tg_NewKey1secretsecretsecretsecret");
    expect(screen.getByTestId("new-key").textContent).toContain("Copy this key now — it will not be shown again.");
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({ app: "chat", provider: "anthropic", endpoints: ["files", "batches"] });
    await waitFor(() => expect(keyRows()).toHaveLength(3));
    expect(screen.getAllByTestId("key-prefix")[0]?.textContent).toBe("tg_NewKey…");

    fireEvent.click(screen.getByTestId("new-key-copy"));
    expect((await screen.findByTestId("new-key-copied")).textContent).toBe("Copied to the clipboard.");
    expect(writeText).toHaveBeenCalledWith("tg_NewKey1secretsecretsecretsecret");
    fireEvent.click(screen.getByTestId("new-key-done"));
    expect(screen.queryByTestId("new-key")).toBeNull();
    expect(document.body.innerHTML).not.toContain("tg_NewKey1secret");

    const search = keyRows().find((r) => r.getAttribute("data-key-id") === SEARCH_KEY)!;
    fireEvent.click(within(search).getByTestId("key-revoke"));
    expect(within(search).getByTestId("key-revoke-confirm").textContent).toContain("Revoke tg_Srch12…?");
    fireEvent.click(within(search).getByTestId("key-revoke-yes"));
    expect((await screen.findByTestId("budgets-message")).textContent).toBe("Revoked key tg_Srch12… of search.");
    expect(calls.find((c) => c.method === "DELETE")?.url.pathname).toBe(`/api/keys/${SEARCH_KEY}`);
    await waitFor(() => expect(cell(`key:${SEARCH_KEY}`, "budget-key")).toBe("tg_Srch12… (revoked)"));
    expect(within(keyRows().find((r) => r.getAttribute("data-key-id") === SEARCH_KEY)!).getByTestId("key-status").textContent).toBe(
      "revoked 2026-11-26 12:00:00 UTC",
    );
  });
});

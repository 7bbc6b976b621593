// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BudgetForm } from "../../../dashboard/src/components/BudgetForm.tsx";
import { NewKeySecret } from "../../../dashboard/src/components/NewKeySecret.tsx";
import { UsageBar } from "../../../dashboard/src/components/UsageBar.tsx";
import { budgetUsage } from "../../../dashboard/src/lib/budgets.ts";
import { accessFixtures, SEARCH_KEY } from "../support/access-api.ts";
import type { CreatedKey } from "../../../dashboard/src/api.ts";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  delete (document as { execCommand?: unknown }).execCommand;
});

const created = {
  id: "k-1",
  key: "tg_Secret000000000000",
  app: "search",
  provider: "openai",
  prefix: "tg_Secret",
  endpoints: ["inference", "models"],
  createdAt: "2026-11-26T12:00:00.000Z",
  expiresAt: null,
} satisfies CreatedKey;

describe("NewKeySecret", () => {
  it("without a clipboard API selects the key and says to copy it by hand", async () => {
    const execCommand = vi.fn(() => false);
    Object.defineProperty(document, "execCommand", { value: execCommand, configurable: true });
    render(<NewKeySecret created={created} onDone={() => undefined} />);
    expect(screen.getByTestId("new-key").textContent).toContain("Give it to search in place of a provider key for openai");
    fireEvent.click(screen.getByTestId("new-key-copy"));
    expect((await screen.findByTestId("new-key-copied")).textContent).toBe("Could not copy: the key is selected, press Ctrl+C (⌘C).");
    expect(execCommand).toHaveBeenCalledWith("copy");
    const input = screen.getByTestId("new-key-secret") as HTMLInputElement;
    expect([input.selectionStart, input.selectionEnd]).toEqual([0, created.key.length]);
  });
});

describe("UsageBar", () => {
  it("draws spent then reserved, capped at the full bar", () => {
    render(<UsageBar usage={budgetUsage({ monthlyUsd: "10", spentUsd: "6", reservedUsd: "9" })} />);
    const [spent, reserved] = [...screen.getByRole("meter").children] as HTMLElement[];
    expect([spent?.style.width, reserved?.style.width]).toEqual(["60%", "40%"]);
    expect(screen.getByTestId("budget-share").textContent).toBe("150.0%");
    expect(screen.getByTestId("budget-usage").getAttribute("data-level")).toBe("over");
  });
});

describe("BudgetForm", () => {
  it("offers the keys of the app typed, and drops a chosen key when the app changes", () => {
    const { keys } = accessFixtures();
    render(<BudgetForm keys={keys} apps={["search"]} prefill={null} onSaved={() => undefined} />);
    const select = screen.getByTestId("budget-keyId") as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(["the whole app"]);
    fireEvent.change(screen.getByTestId("budget-app"), { target: { value: "search" } });
    expect([...select.options].map((o) => o.textContent)).toEqual(["the whole app", "key tg_Srch12…"]);
    fireEvent.change(select, { target: { value: SEARCH_KEY } });
    expect(select.value).toBe(SEARCH_KEY);
    fireEvent.change(screen.getByTestId("budget-app"), { target: { value: "checkout" } });
    expect(select.value).toBe(""); // checkout's only key is revoked: not offered
    expect(select.options).toHaveLength(1);
  });
});

// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { applyTheme, parseTheme, readTheme, resolveTheme, saveTheme, THEME_KEY } from "../../../dashboard/src/lib/theme.ts";

function memory(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: () => null,
    get length() {
      return m.size;
    },
  };
}

describe("theme", () => {
  it("follows the system unless light or dark was picked", () => {
    expect(parseTheme(null)).toBe("system");
    expect(parseTheme("purple")).toBe("system");
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
    expect(resolveTheme("light", true)).toBe("light");
  });

  it("remembers the choice and forgets it for system", () => {
    const s = memory();
    saveTheme("dark", s);
    expect(s.getItem(THEME_KEY)).toBe("dark");
    expect(readTheme(s)).toBe("dark");
    saveTheme("system", s);
    expect(s.getItem(THEME_KEY)).toBeNull();
  });

  it("sets or clears data-theme on the root element", () => {
    const root = document.createElement("html");
    applyTheme("dark", root);
    expect(root.getAttribute("data-theme")).toBe("dark");
    applyTheme("system", root);
    expect(root.hasAttribute("data-theme")).toBe(false);
  });
});

// Light or dark: by default the system's (prefers-color-scheme), or the one picked with the toggle,
// remembered in localStorage. The choice is an attribute on <html> the stylesheet reads.

export type ThemeChoice = "system" | "light" | "dark";
export const THEME_CHOICES: readonly ThemeChoice[] = ["system", "light", "dark"];
export const THEME_KEY = "tollgate.theme";

/** A stored value as a choice; anything unknown (or nothing) is "system". */
export function parseTheme(stored: string | null | undefined): ThemeChoice {
  return stored === "light" || stored === "dark" ? stored : "system";
}

/** The theme drawn: the choice, or the system's preference for "system". */
export function resolveTheme(choice: ThemeChoice, systemDark: boolean): "light" | "dark" {
  return choice === "system" ? (systemDark ? "dark" : "light") : choice;
}

export function readTheme(storage: Pick<Storage, "getItem"> | undefined = safeStorage()): ThemeChoice {
  try {
    return parseTheme(storage?.getItem(THEME_KEY));
  } catch {
    return "system";
  }
}

export function saveTheme(choice: ThemeChoice, storage: Pick<Storage, "setItem" | "removeItem"> | undefined = safeStorage()): void {
  try {
    if (choice === "system") storage?.removeItem(THEME_KEY);
    else storage?.setItem(THEME_KEY, choice);
  } catch {
    // private mode: the choice lasts for this tab only
  }
}

/** Sets data-theme on <html> ("light"/"dark"), or removes it to follow the system. */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (choice === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", choice);
}

function safeStorage(): Storage | undefined {
  try {
    return typeof window === "undefined" ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}

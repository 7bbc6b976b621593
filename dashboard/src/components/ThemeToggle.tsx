// The theme switch in the header: follow the system, or always light or dark (remembered).
import { useState, type ReactElement } from "react";
import { applyTheme, readTheme, saveTheme, THEME_CHOICES, type ThemeChoice } from "../lib/theme.ts";

const LABELS: Record<ThemeChoice, string> = { system: "Auto", light: "Light", dark: "Dark" };

export function ThemeToggle(): ReactElement {
  const [choice, setChoice] = useState<ThemeChoice>(readTheme);
  return (
    <label className="theme-toggle">
      <span className="visually-hidden">Colour theme</span>
      <select
        value={choice}
        data-testid="theme-toggle"
        onChange={(e) => {
          const next = e.target.value as ThemeChoice;
          setChoice(next);
          saveTheme(next);
          applyTheme(next);
        }}
      >
        {THEME_CHOICES.map((c) => (
          <option key={c} value={c}>
            {LABELS[c]}
          </option>
        ))}
      </select>
    </label>
  );
}

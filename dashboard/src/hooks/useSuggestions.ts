// Known values for a filter input (GET /api/suggest), asked for once the input has been used, a short pause
// after each keystroke; a failed request just leaves the input without suggestions.
import { useEffect, useState } from "react";
import { apiGet, suggestPath, type SuggestField, type SuggestResponse } from "../api.ts";

export const SUGGEST_DELAY_MS = 150;

export interface Suggested {
  /** the prefix these values answer */
  prefix: string;
  values: string[];
  source: SuggestResponse["source"];
}

export function useSuggestions(field: SuggestField, prefix: string, enabled: boolean, name?: string): Suggested | null {
  const [held, setHeld] = useState<Suggested | null>(null);
  useEffect(() => {
    if (!enabled || (field === "propertyValue" && !name)) return;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      apiGet<SuggestResponse>(suggestPath(field, prefix, name), controller.signal).then(
        (r) => {
          if (!controller.signal.aborted) setHeld({ prefix, values: r.values.map((v) => v.value), source: r.source });
        },
        () => {
          if (!controller.signal.aborted) setHeld(null);
        },
      );
    }, SUGGEST_DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [field, prefix, enabled, name]);
  return held;
}

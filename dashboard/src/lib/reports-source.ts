// What the dashboard says about where its figures come from: nothing while they are current, a warning
// while a read replica lags or is unreachable (never a silently stale figure).
import type { ReportsSourceState } from "../api/types.ts";

/** A replica this far behind (or less) is current enough to say nothing. */
export const LAG_TOLERATED_MS = 5_000;

export interface SourceNotice {
  tone: "warn" | "bad";
  text: string;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.round(m / 60)} h`;
}

export function reportsSourceNotice(state: ReportsSourceState | undefined, now: number): SourceNotice | null {
  if (!state || state.source === "primary") return null;
  if (state.source === "primary-fallback") {
    return { tone: "bad", text: "The reports replica is unreachable: figures are read from the primary database until it is back." };
  }
  const lag = state.lagMs ?? 0;
  if (lag <= LAG_TOLERATED_MS) return null;
  const upTo = new Date(now - lag).toISOString().slice(11, 16);
  return {
    tone: "warn",
    text: `Figures come from a read replica ${duration(lag)} behind the primary: calls after about ${upTo} UTC are not in them yet.`,
  };
}

// The shape of GET /api/reconciliation and what the Reconciliation page derives from it.
export const DAY_MS = 86_400_000;

// The answer is the server's own type (type-only: nothing of the server reaches the bundle).
export type { Measure, ReconciliationResponse, ReconciliationRow } from "../api/types.ts";

export const RECONCILE_VIEWS = ["model", "day", "key"] as const;
export type ReconcileView = (typeof RECONCILE_VIEWS)[number];

export const REASON_LABELS: Readonly<Record<string, string>> = {
  match: "Matches",
  unmetered_traffic: "Unmetered traffic",
  price_drift: "Price drift",
  unpriced_in_tollgate: "Unpriced in Tollgate",
  provider_lag: "Not in the provider's report yet",
  metered_not_reported: "Metered, missing from the provider's report",
  key_not_held: "Key not held by Tollgate",
  key_unmapped: "Held key id not configured",
  pass_through: "Pass-through (client's own key)",
  mixed: "Mixed differences",
};

/** The whole UTC days covering [from, to): what the reconciliation compares. */
export function wholeDays(fromIso: string, toIso: string): { from: string; to: string } {
  const from = Math.floor(Date.parse(fromIso) / DAY_MS) * DAY_MS;
  const to = Math.ceil(Date.parse(toIso) / DAY_MS) * DAY_MS;
  return { from: new Date(from).toISOString().slice(0, 10), to: new Date(Math.max(to, from + DAY_MS)).toISOString().slice(0, 10) };
}

export function reconciliationPath(days: { from: string; to: string }, groupBy: ReconcileView, provider: string | null): string {
  const p = new URLSearchParams({ from: days.from, to: days.to, groupBy });
  if (provider === "openai" || provider === "anthropic") p.set("provider", provider);
  return `/api/reconciliation?${p.toString()}`;
}

// Checking the budget and key forms before anything is sent: the same rules the API applies
// (server/src/api/budgets.ts, keys.ts), so a mistake is named next to its field.
import type { BudgetAction, BudgetInput, BudgetPeriod, NewKey } from "../api.ts";
import { formatDecimal, parseDecimal } from "./money.ts";
import { fromUtcInput } from "./time-range.ts";

export const BUDGET_ACTIONS: readonly BudgetAction[] = ["block", "alert"];
export const BUDGET_PERIODS: readonly BudgetPeriod[] = ["month", "week", "day"];

export interface BudgetDraft {
  app: string;
  /** "" for the whole app */
  keyId: string;
  /** the limit per period (named before budgets had periods) */
  monthlyUsd: string;
  action: string;
  period: string;
}
export type BudgetDraftErrors = Partial<Record<keyof BudgetDraft, string>>;

export const emptyBudgetDraft = (): BudgetDraft => ({ app: "", keyId: "", monthlyUsd: "", action: "block", period: "month" });

function appError(app: string): string | undefined {
  const a = app.trim();
  if (!a) return "required";
  if (a.length > 200) return "at most 200 characters";
  return undefined;
}

/**
 * A dollar amount as people type it ("250", "$1,250.50", " 99.5 ") → the canonical decimal string the API
 * takes ("1250.5"), or what is wrong with it. The API allows 10 whole digits and 10 decimals.
 */
export function parseUsdInput(value: string): { usd: string } | { error: string } {
  let v = value.trim().replace(/^\$\s*/, "");
  if (v === "") return { error: "required" };
  if (/^-/.test(v)) return { error: "cannot be negative" };
  if (/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(v)) v = v.replace(/,/g, "");
  const m = /^(\d*)(?:\.(\d*))?$/.exec(v);
  if (!m || (m[1] === "" && !m[2])) return { error: "a dollar amount, e.g. 250 or 99.50" };
  const whole = (m[1] ?? "").replace(/^0+(?=\d)/, "");
  const frac = (m[2] ?? "").replace(/0+$/, "");
  if (whole.length > 10) return { error: "at most $9,999,999,999" };
  if (frac.length > 10) return { error: "at most 10 decimal places" };
  return { usd: formatDecimal(parseDecimal(`${whole || "0"}.${frac || "0"}`)) };
}

/** The budget to PUT at /api/budgets/:app, or the problems per field. */
export function validateBudgetDraft(d: BudgetDraft): { app: string; input: BudgetInput } | { errors: BudgetDraftErrors } {
  const errors: BudgetDraftErrors = {};
  const app = appError(d.app);
  if (app) errors.app = app;
  const money = parseUsdInput(d.monthlyUsd);
  if ("error" in money) errors.monthlyUsd = money.error;
  if (!(BUDGET_ACTIONS as readonly string[]).includes(d.action)) errors.action = `one of ${BUDGET_ACTIONS.join(", ")}`;
  if (!(BUDGET_PERIODS as readonly string[]).includes(d.period)) errors.period = `one of ${BUDGET_PERIODS.join(", ")}`;
  if (Object.keys(errors).length > 0 || "error" in money) return { errors };
  const input: BudgetInput = { limitUsd: money.usd, period: d.period as BudgetPeriod, action: d.action as BudgetAction };
  if (d.keyId.trim()) input.keyId = d.keyId.trim();
  return { app: d.app.trim(), input };
}

export interface KeyDraft {
  app: string;
  /** "" for any provider */
  provider: string;
  /** a datetime-local value read as UTC; "" for no expiry */
  expiresAt: string;
  /** wider scopes than inference and model listing (files, batches, images, audio) */
  endpoints: string[];
}
export type KeyDraftErrors = Partial<Record<Exclude<keyof KeyDraft, "endpoints">, string>>;

/** Scopes a key may be given beyond the default inference and model listing (see docs/access.md). */
export const WIDER_KEY_SCOPES = ["files", "batches", "images", "audio"] as const;

export const emptyKeyDraft = (): KeyDraft => ({ app: "", provider: "", expiresAt: "", endpoints: [] });

/** The key to POST at /api/keys, or the problems per field; an expiry must lie after `nowMs`. */
export function validateKeyDraft(d: KeyDraft, nowMs: number): { key: NewKey } | { errors: KeyDraftErrors } {
  const errors: KeyDraftErrors = {};
  const app = appError(d.app);
  if (app) errors.app = app;
  const provider = d.provider.trim();
  if (provider && !/^[A-Za-z0-9._-]+$/.test(provider)) errors.provider = "a provider name such as openai";
  let expiresAt: string | null = null;
  if (d.expiresAt.trim()) {
    expiresAt = fromUtcInput(d.expiresAt.trim());
    if (!expiresAt) errors.expiresAt = "a date and time (UTC)";
    else if (Date.parse(expiresAt) <= nowMs) errors.expiresAt = "must be in the future";
  }
  if (Object.keys(errors).length > 0) return { errors };
  const key: NewKey = { app: d.app.trim() };
  if (provider) key.provider = provider;
  if (expiresAt) key.expiresAt = expiresAt;
  if (d.endpoints.length > 0) key.endpoints = WIDER_KEY_SCOPES.filter((s) => d.endpoints.includes(s));
  return { key };
}

import type pg from "pg";
import { z } from "zod";
import { ConfigError } from "../config.ts";
import { BUDGET_PERIODS } from "../domain/budget-period.ts";
import { BUDGET_ACTIONS, UNPRICED_POLICIES, upsertBudget } from "./budget-store.ts";

const amount = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .refine((v) => /^\d{1,10}(\.\d{1,10})?$/.test(v), 'a non-negative amount in US dollars, e.g. 250 or "99.5"');

const configuredBudget = z
  .object({
    app: z.string().trim().min(1).max(200),
    /** the limit per period; `monthlyUsd` is its older name */
    limitUsd: amount.optional(),
    monthlyUsd: amount.optional(),
    period: z.enum(BUDGET_PERIODS).default("month"),
    action: z.enum(BUDGET_ACTIONS).default("block"),
    unpriced: z.enum(UNPRICED_POLICIES).default("allow"),
  })
  .refine((b) => b.limitUsd !== undefined || b.monthlyUsd !== undefined, {
    message: "required (the limit per period in US dollars)",
    path: ["limitUsd"],
  })
  .refine((b) => b.unpriced === "allow" || b.action === "block", { message: 'unpriced: "block" needs action "block"', path: ["unpriced"] });

/**
 * Budgets declared in TOLLGATE_CONFIG (`budgets: [{app, limitUsd, period, action, unpriced}]`) are written at start-up, so
 * the file is the source of truth for the apps it names (a PUT through the API lasts until the next start).
 * Per-key budgets are made through the API: keys do not exist before Tollgate runs.
 */
export async function applyConfiguredBudgets(pool: pg.Pool, raw: readonly Record<string, unknown>[]): Promise<number> {
  const parsed = z.array(configuredBudget).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`TOLLGATE_CONFIG: budgets.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  for (const b of parsed.data) {
    await upsertBudget(pool, {
      app: b.app,
      keyId: null,
      monthlyUsd: (b.limitUsd ?? b.monthlyUsd)!,
      period: b.period,
      action: b.action,
      unpriced: b.unpriced,
    });
  }
  return parsed.data.length;
}

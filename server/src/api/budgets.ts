import { Router } from "express";
import type pg from "pg";
import { z } from "zod";
import { TollgateError } from "../errors.ts";
import { budgetStates, BUDGET_ACTIONS, deleteBudget, monthOf, UNPRICED_POLICIES, upsertBudget, type BudgetState } from "../access/budget-store.ts";
import { getVirtualKey, isUuid } from "../access/key-store.ts";
import { canonicalDecimal } from "../metering/decimal.ts";

export interface BudgetsRouterDeps {
  pool: pg.Pool;
  /** reloads this replica's budgets at once (others pick the change up on their refresh) */
  refresh(): Promise<void>;
  now?: () => number;
}

const money = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .refine((v) => /^\d{1,10}(\.\d{1,10})?$/.test(v), "a non-negative amount in US dollars with at most 10 decimals, e.g. \"250\" or \"99.5\"");

const putSchema = z.object({
  monthlyUsd: money,
  action: z.enum(BUDGET_ACTIONS),
  keyId: z.string().nullish(),
  /** calls to models without a price: "allow" (default) or "block" (action "block" only); omitted keeps the budget's */
  unpriced: z.enum(UNPRICED_POLICIES).optional(),
});

function budgetJson(s: BudgetState) {
  return {
    id: s.id,
    app: s.app,
    keyId: s.keyId,
    monthlyUsd: canonicalDecimal(s.monthlyUsd),
    action: s.action,
    unpriced: s.unpriced,
    month: s.month,
    spentUsd: canonicalDecimal(s.spentUsd),
    reservedUsd: canonicalDecimal(s.reservedUsd),
    remainingUsd: canonicalDecimal(s.remainingUsd),
    unpricedCalls: s.unpricedCalls,
  };
}

function appParam(value: string): string {
  const app = value.trim();
  if (app.length === 0 || app.length > 200) throw new TollgateError("invalid_request", "app: 1 to 200 characters");
  return app;
}

/** PUT /budgets/:app, GET /budgets (with month-to-date spend), DELETE /budgets/:app[?keyId=]. */
export function budgetsRouter(deps: BudgetsRouterDeps): Router {
  const now = deps.now ?? Date.now;
  const router = Router();

  router.get("/budgets", async (_req, res) => {
    const month = monthOf(now());
    res.json({ month, budgets: (await budgetStates(deps.pool, month)).map(budgetJson) });
  });

  router.put("/budgets/:app", async (req, res) => {
    const app = appParam(req.params.app);
    const parsed = putSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TollgateError("invalid_request", `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
    }
    if (parsed.data.unpriced === "block" && parsed.data.action !== "block") {
      throw new TollgateError("invalid_request", `unpriced: "block" needs action "block" (an alert budget never refuses calls)`);
    }
    const keyId = parsed.data.keyId ?? null;
    if (keyId !== null) {
      const key = isUuid(keyId) ? await getVirtualKey(deps.pool, keyId) : null;
      if (!key) throw new TollgateError("invalid_request", `keyId: no virtual key ${keyId}`);
      if (key.app !== app) throw new TollgateError("invalid_request", `keyId: virtual key ${keyId} belongs to app "${key.app}", not "${app}"`);
    }
    const saved = await upsertBudget(deps.pool, { app, keyId, monthlyUsd: parsed.data.monthlyUsd, action: parsed.data.action, unpriced: parsed.data.unpriced });
    await deps.refresh();
    const month = monthOf(now());
    const state = (await budgetStates(deps.pool, month)).find((s) => s.id === saved.id);
    res.json(budgetJson(state ?? { ...saved, month, spentUsd: "0", reservedUsd: "0", remainingUsd: saved.monthlyUsd, unpricedCalls: 0 }));
  });

  router.delete("/budgets/:app", async (req, res) => {
    const app = appParam(req.params.app);
    const keyId = typeof req.query.keyId === "string" && req.query.keyId ? req.query.keyId : null;
    if (!(await deleteBudget(deps.pool, app, keyId))) throw new TollgateError("not_found", `no budget for ${keyId ? `key ${keyId}` : `app "${app}"`}`);
    await deps.refresh();
    res.status(204).end();
  });

  return router;
}

import { Router } from "express";
import type pg from "pg";
import type { PrismaClient } from "../db/client.ts";
import { z } from "zod";
import { TollgateError } from "../lib/errors.ts";
import { BUDGET_PERIODS } from "../domain/budget-period.ts";
import {
  budgetStates,
  BUDGET_ACTIONS,
  deleteBudget,
  monthOf,
  UNPRICED_POLICIES,
  upsertBudget,
  type BudgetState,
} from "../access/budget-store.ts";
import { budgetForecasts } from "../access/budget-forecasts.ts";
import { getVirtualKey, isUuid } from "../access/key-store.ts";
import type { Forecast } from "../reports/forecast.ts";
import { canonicalDecimal } from "../lib/decimal.ts";
import { parseOr400 } from "../lib/parse-or-400.ts";

export interface BudgetsRouterDeps {
  pool: pg.Pool;
  prisma: PrismaClient;
  /** reloads this replica's budgets at once (others pick the change up on their refresh) */
  refresh(): Promise<void>;
  now?: () => number;
}

const money = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .refine((v) => /^\d{1,10}(\.\d{1,10})?$/.test(v), 'a non-negative amount in US dollars with at most 10 decimals, e.g. "250" or "99.5"');

const putSchema = z.object({
  /** the limit per period; `monthlyUsd` is its older name, still accepted */
  limitUsd: money.optional(),
  monthlyUsd: money.optional(),
  /** "month" (default for a new budget), "week" (ISO, from Monday 00:00 UTC) or "day" (UTC); omitted keeps the budget's */
  period: z.enum(BUDGET_PERIODS).optional(),
  action: z.enum(BUDGET_ACTIONS),
  keyId: z.string().nullish(),
  /** calls to models without a price: "allow" (default) or "block" (action "block" only); omitted keeps the budget's */
  unpriced: z.enum(UNPRICED_POLICIES).optional(),
});

function budgetJson(s: BudgetState, nowMs: number, f: Forecast | undefined) {
  return {
    id: s.id,
    app: s.app,
    keyId: s.keyId,
    limitUsd: canonicalDecimal(s.monthlyUsd),
    /** the same limit under its older name */
    monthlyUsd: canonicalDecimal(s.monthlyUsd),
    period: s.period,
    periodKey: s.periodKey,
    periodStart: s.periodStart.toISOString(),
    periodEnd: s.periodEnd.toISOString(),
    action: s.action,
    unpriced: s.unpriced,
    month: monthOf(nowMs),
    spentUsd: canonicalDecimal(s.spentUsd),
    reservedUsd: canonicalDecimal(s.reservedUsd),
    remainingUsd: canonicalDecimal(s.remainingUsd),
    unpricedCalls: s.unpricedCalls,
    /** spend projected at the period's end from the trailing 7 days' run rate (docs/api.md) */
    forecastUsd: f?.forecastUsd ?? canonicalDecimal(s.spentUsd),
    runRateUsdPerDay: f?.runRateUsdPerDay ?? "0",
    /** the UTC date the projection reaches the limit (today when already reached); null: on track */
    forecastExceedsOn: f?.exceedsOn ?? null,
    forecastExceedsByUsd: f?.exceedsByUsd ?? null,
  };
}

function appParam(value: string): string {
  const app = value.trim();
  if (app.length === 0 || app.length > 200) throw new TollgateError("invalid_request", "app: 1 to 200 characters");
  return app;
}

/** PUT /budgets/:app, GET /budgets (with period-to-date spend), DELETE /budgets/:app[?keyId=]. */
export function budgetsRouter(deps: BudgetsRouterDeps): Router {
  const now = deps.now ?? Date.now;
  const router = Router();

  router.get("/budgets", async (_req, res) => {
    const at = now();
    const states = await budgetStates(deps.pool, at);
    const forecasts = await budgetForecasts(deps.pool, states, at);
    res.json({ month: monthOf(at), budgets: states.map((s) => budgetJson(s, at, forecasts.get(s.id))) });
  });

  router.put("/budgets/:app", async (req, res) => {
    const app = appParam(req.params.app);
    const parsed = parseOr400(putSchema, req.body ?? {});
    if (parsed.unpriced === "block" && parsed.action !== "block") {
      throw new TollgateError("invalid_request", `unpriced: "block" needs action "block" (an alert budget never refuses calls)`);
    }
    const limitUsd = parsed.limitUsd ?? parsed.monthlyUsd;
    if (limitUsd === undefined)
      throw new TollgateError("invalid_request", 'limitUsd: required (the limit per period in US dollars, e.g. "250")');
    const keyId = parsed.keyId ?? null;
    if (keyId !== null) {
      const key = isUuid(keyId) ? await getVirtualKey(deps.prisma, keyId) : null;
      if (!key) throw new TollgateError("invalid_request", `keyId: no virtual key ${keyId}`);
      if (key.app !== app)
        throw new TollgateError("invalid_request", `keyId: virtual key ${keyId} belongs to app "${key.app}", not "${app}"`);
    }
    const at = now();
    const saved = await upsertBudget(
      deps.pool,
      { app, keyId, monthlyUsd: limitUsd, period: parsed.period, action: parsed.action, unpriced: parsed.unpriced },
      at,
    );
    await deps.refresh();
    const state = (await budgetStates(deps.pool, at)).find((s) => s.id === saved.id);
    if (!state) throw new TollgateError("not_found", `budget ${saved.id} was deleted meanwhile`);
    res.json(budgetJson(state, at, (await budgetForecasts(deps.pool, [state], at)).get(state.id)));
  });

  router.delete("/budgets/:app", async (req, res) => {
    const app = appParam(req.params.app);
    const keyId = typeof req.query.keyId === "string" && req.query.keyId ? req.query.keyId : null;
    if (!(await deleteBudget(deps.pool, app, keyId)))
      throw new TollgateError("not_found", `no budget for ${keyId ? `key ${keyId}` : `app "${app}"`}`);
    await deps.refresh();
    res.status(204).end();
  });

  return router;
}

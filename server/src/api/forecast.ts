import { Router } from "express";
import type pg from "pg";
import { z } from "zod";
import { BUDGET_PERIODS, periodOf } from "../domain/budget-period.ts";
import { add, canonicalDecimal, formatDecimal, normalize, parseDecimal, ZERO } from "../lib/decimal.ts";
import { forecastPeriod } from "../reports/forecast.ts";
import { FORECAST_GROUPS, periodAndTrailingSpend, trailingWindow } from "../reports/forecast-source.ts";
import { parseOr400 } from "../lib/parse-or-400.ts";

const querySchema = z.object({
  groupBy: z.enum(FORECAST_GROUPS).default("app"),
  period: z.enum(BUDGET_PERIODS).default("month"),
  provider: z.string().min(1).optional(),
  app: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
});

export const FORECAST_METHOD =
  "forecastUsd = spentUsd + trailingUsd × (periodEnd − now) / window; trailingUsd is the spend of the trailing window " +
  "(from the start of the hour 7 days before now's hour, to now), so the run rate is that window's spend per day";

/**
 * GET /forecast?groupBy=app|provider|model&period=month|week|day[&provider=&app=&model=]: per group, the period's spend so far and its
 * projection at the period's end from the trailing 7 days' run rate (reports/forecast.ts), from the hourly rollups.
 */
export function forecastRouter(pool: pg.Pool, now: () => number = Date.now): Router {
  const router = Router();
  router.get("/forecast", async (req, res) => {
    const parsed = parseOr400(querySchema, req.query, "query");
    const { groupBy, period, provider, app, model } = parsed;
    const nowMs = now();
    const span = periodOf(period, nowMs);
    const { from, windowMs } = trailingWindow(nowMs);
    const rows = await periodAndTrailingSpend(pool, groupBy, span.start, from, { provider, app, model });
    const project = (spent: string, trailing: string) =>
      forecastPeriod({ spentUsd: spent, trailingUsd: trailing, windowMs, nowMs, periodEndMs: span.end.getTime() });
    let spent = ZERO;
    let trailing = ZERO;
    const groups = rows
      .map((r) => ({ key: r.key, spent: canonicalDecimal(r.spent), trailing: canonicalDecimal(r.trailing) }))
      .filter((r) => r.spent !== "0" || r.trailing !== "0")
      .map((r) => {
        spent = add(spent, parseDecimal(r.spent));
        trailing = add(trailing, parseDecimal(r.trailing));
        const f = project(r.spent, r.trailing);
        return { key: r.key, spentUsd: r.spent, trailingUsd: r.trailing, runRateUsdPerDay: f.runRateUsdPerDay, forecastUsd: f.forecastUsd };
      });
    const total = project(formatDecimal(spent), formatDecimal(trailing));
    res.json({
      groupBy,
      period,
      periodKey: span.key,
      periodStart: span.start.toISOString(),
      periodEnd: span.end.toISOString(),
      now: new Date(nowMs).toISOString(),
      windowStart: from.toISOString(),
      method: FORECAST_METHOD,
      totals: {
        spentUsd: formatDecimal(normalize(spent)),
        trailingUsd: formatDecimal(normalize(trailing)),
        runRateUsdPerDay: total.runRateUsdPerDay,
        forecastUsd: total.forecastUsd,
      },
      groups,
    });
  });
  return router;
}

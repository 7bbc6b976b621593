import type { PrismaClient } from "../db/client.ts";
import { forecastPeriod, type Forecast } from "../reports/forecast.ts";
import { trailingSpendByApp, trailingSpendByKey, trailingWindow } from "../reports/forecast-source.ts";
import type { BudgetState } from "./budget-store.ts";

/**
 * Each budget's period-end forecast (reports/forecast.ts): its period-to-date spend plus the trailing 7
 * days' run rate over the time left in its period. Two queries whatever the number of budgets.
 */
export async function budgetForecasts(db: PrismaClient, states: readonly BudgetState[], nowMs: number): Promise<Map<string, Forecast>> {
  const { from, windowMs } = trailingWindow(nowMs);
  const apps = states.filter((s) => !s.keyId).map((s) => s.app);
  const keys = states.filter((s) => s.keyId).map((s) => ({ app: s.app, keyId: s.keyId! }));
  const [byApp, byKey] = await Promise.all([trailingSpendByApp(db, apps, from), trailingSpendByKey(db, keys, from)]);
  const out = new Map<string, Forecast>();
  for (const s of states) {
    const trailing = (s.keyId ? byKey.get(s.keyId) : byApp.get(s.app)) ?? "0";
    out.set(
      s.id,
      forecastPeriod({
        spentUsd: s.spentUsd,
        trailingUsd: trailing,
        windowMs,
        nowMs,
        periodEndMs: s.periodEnd.getTime(),
        limitUsd: s.monthlyUsd,
      }),
    );
  }
  return out;
}

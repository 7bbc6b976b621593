import { Gauge, type Registry } from "prom-client";

/** Budget burn per app (SPEC §5 budgets); set by the budget module, only for apps that have a budget. */
export interface BudgetMetrics {
  /** the app's monthly budget and its spend so far this month, in US dollars (decimal strings accepted) */
  set(app: string, limitUsd: number | string, spentUsd: number | string): void;
  /** the app's budget was deleted */
  remove(app: string): void;
}

export function createBudgetMetrics(registry: Registry): BudgetMetrics {
  const registers = [registry];
  const limit = new Gauge({
    name: "tollgate_budget_limit_usd",
    help: "Monthly budget of an app in US dollars.",
    labelNames: ["app"],
    registers,
  });
  const spent = new Gauge({
    name: "tollgate_budget_spent_usd",
    help: "Spend of an app this calendar month (UTC) in US dollars, as the budget module counts it.",
    labelNames: ["app"],
    registers,
  });
  return {
    set(app, limitUsd, spentUsd) {
      limit.labels(app).set(Number(limitUsd));
      spent.labels(app).set(Number(spentUsd));
    },
    remove(app) {
      limit.remove(app);
      spent.remove(app);
    },
  };
}

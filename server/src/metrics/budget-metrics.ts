import { Gauge, type Registry } from "prom-client";

/** One budget's month-to-date state, as the budget module reads it from the shared ledger. */
export interface BudgetGaugeState {
  /** the budget's id: "app:<app>" or "key:<virtual key id>" — bounded, budgets are configured */
  budget: string;
  app: string;
  /** US dollars; decimal strings accepted (one float conversion, for Prometheus) */
  limitUsd: number | string;
  spentUsd: number | string;
  reservedUsd: number | string;
  /** calls this month that used tokens but matched no price (not in spentUsd) */
  unpricedCalls: number;
  /** projected spend at the period's end (trailing 7-day run rate × time left); omitted when not computed */
  forecastUsd?: number | string;
}

/** Budget burn per budget (app and per-key budgets); set by the budget module on every refresh. */
export interface BudgetMetrics {
  set(state: BudgetGaugeState): void;
  /** the budget was deleted */
  remove(budget: string, app: string): void;
}

const LABELS = ["budget", "app"] as const;

export function createBudgetMetrics(registry: Registry): BudgetMetrics {
  const registers = [registry];
  const limit = new Gauge({
    name: "tollgate_budget_limit_usd",
    help: "Monthly limit of a budget (an app's, or one virtual key's) in US dollars.",
    labelNames: LABELS,
    registers,
  });
  const spent = new Gauge({
    name: "tollgate_budget_spent_usd",
    help: "Spend counted against a budget this calendar month (UTC) in US dollars.",
    labelNames: LABELS,
    registers,
  });
  const reserved = new Gauge({
    name: "tollgate_budget_reserved_usd",
    help: "Estimated cost reserved against a budget by calls in flight, in US dollars.",
    labelNames: LABELS,
    registers,
  });
  const unpriced = new Gauge({
    name: "tollgate_budget_unpriced_calls",
    help: "Calls this calendar month (UTC) under a budget that used tokens but matched no price: spend the budget could not count.",
    labelNames: LABELS,
    registers,
  });
  const forecast = new Gauge({
    name: "tollgate_budget_forecast_usd",
    help: "Projected spend of a budget at the end of its period (spend so far + trailing 7-day run rate × time left), in US dollars.",
    labelNames: LABELS,
    registers,
  });
  const gauges = [limit, spent, reserved, unpriced, forecast];
  return {
    set(s) {
      const labels = { budget: s.budget, app: s.app };
      limit.set(labels, Number(s.limitUsd));
      spent.set(labels, Number(s.spentUsd));
      reserved.set(labels, Number(s.reservedUsd));
      unpriced.set(labels, s.unpricedCalls);
      if (s.forecastUsd !== undefined) forecast.set(labels, Number(s.forecastUsd));
    },
    remove(budget, app) {
      for (const g of gauges) g.remove({ budget, app });
    },
  };
}

import { Gauge, type Registry } from "prom-client";

/** The last complete day's comparison with each provider's own cost report (set after every fetch). */
export interface ReconciliationMetrics {
  set(provider: string, driftUsd: string, providerCostUsd: string): void;
  /** the share of the provider's cost above which |drift| alerts (TOLLGATE_RECONCILE_ALERT_SHARE) */
  setAlertShare(share: number): void;
}

export function createReconciliationMetrics(registry: Registry): ReconciliationMetrics {
  const registers = [registry];
  const drift = new Gauge({
    name: "tollgate_reconciliation_drift_usd",
    help: "Provider's reported cost minus Tollgate's metered cost for the last complete UTC day, in US dollars.",
    labelNames: ["provider"],
    registers,
  });
  const cost = new Gauge({
    name: "tollgate_reconciliation_provider_cost_usd",
    help: "The provider's own reported cost for the last complete UTC day, in US dollars.",
    labelNames: ["provider"],
    registers,
  });
  const share = new Gauge({
    name: "tollgate_reconciliation_alert_share",
    help: "Share of the provider's cost above which |tollgate_reconciliation_drift_usd| should alert.",
    registers,
  });
  return {
    set(provider, driftUsd, providerCostUsd) {
      drift.set({ provider }, Number(driftUsd));
      cost.set({ provider }, Number(providerCostUsd));
    },
    setAlertShare: (s) => share.set(s),
  };
}

import type pg from "pg";
import type { PrismaClient } from "../db/client.ts";
import { TollgateError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import type { CallRecord } from "../domain/call-record.ts";
import { canonicalDecimal } from "../lib/decimal.ts";
import type { PriceBook } from "../pricing/price-book.ts";
import type { BudgetMetrics } from "../metrics/index.ts";
import type { CallState } from "../proxy/call-state.ts";
import type { BeforeForward } from "../proxy/proxy-deps.ts";
import { priceProviderOf } from "../providers/index.ts";
import { estimateCallCost } from "./budget-estimate.ts";
import { requireParsedBody } from "./parsed-body.ts";
import type { Forecast } from "../reports/forecast.ts";
import { budgetForecasts } from "./budget-forecasts.ts";
import { resyncLedgers } from "./budget-ledger.ts";
import { recordThresholds } from "./budget-notices.ts";
import { periodOf } from "../domain/budget-period.ts";
import {
  budgetStates,
  ensureLedger,
  loadBudgets,
  releaseHold,
  renewHolds,
  reserve,
  sweepStaleHolds,
  type BudgetRow,
  type BudgetState,
} from "./budget-store.ts";

interface Held {
  budget: BudgetRow;
  /** the ledger key of the budget's period the call counts in */
  period: string;
  /** what was reserved ("0" for alert budgets, which never reserve) */
  amount: string;
}

interface Reservation {
  callId: string;
  held: Held[];
}

export interface BudgetGuardDeps {
  /** the ledger's pool: reservations, holds, settlements (asynchronous commit: access/index.ts) */
  pool: pg.Pool;
  /** budgets, their states, forecasts and notices */
  prisma: PrismaClient;
  priceBook: PriceBook;
  metrics: BudgetMetrics;
  logger: Logger;
  defaultMaxOutputTokens: number;
  /**
   * how long a hold lives without its replica renewing it (TOLLGATE_BUDGET_HOLD_LEASE_MS). Holds of calls
   * still running are renewed on every refresh, so this bounds only how long a dead replica's reservations
   * keep budget room; it must be several refresh intervals long.
   */
  holdLeaseMs?: number;
  now?: () => number;
}

const RELEASE_ATTEMPTS = 5;
/**
 * The default hold lease: a reservation neither settled nor renewed within this long is given back (its
 * replica died mid-call). Calls still running — a stream can last longer than any lease — are renewed by
 * their replica on every refresh, so they keep their reservation until they end.
 */
export const HOLD_LEASE_MS = 3_600_000;

function usd(text: string): string {
  return `$${canonicalDecimal(text)}`;
}

/**
 * Budget enforcement. Which apps and keys have budgets is held in memory (refreshed), so calls without a
 * budget pay nothing. A budgeted call reserves its estimated cost atomically in Postgres before it is
 * forwarded — a blocking budget that cannot take the reservation answers 429 — and is settled to its exact
 * cost by the batch insert that records it (budget-ledger.ts), in the same transaction: the ledger is the
 * calls table's sum, as the Spend report is. Reservations in flight are counted against the budget, so concurrent calls
 * on any number of replicas cannot overshoot it by more than their estimates undershoot their real costs.
 */
export class BudgetGuard {
  private byApp = new Map<string, BudgetRow>();
  private byKey = new Map<string, BudgetRow>();
  private readonly reservations = new Map<string, Reservation>();
  private readonly ledgers = new Set<string>();
  private readonly settling = new Set<Promise<void>>();
  /** budget id → app of the budgets published as gauges */
  private metricBudgets = new Map<string, string>();
  private readonly now: () => number;
  private readonly holdLeaseMs: number;

  constructor(private readonly deps: BudgetGuardDeps) {
    this.now = deps.now ?? Date.now;
    this.holdLeaseMs = deps.holdLeaseMs ?? HOLD_LEASE_MS;
  }

  /**
   * Renews the holds of this replica's calls still running, gives back reservations left by dead replicas,
   * reloads budgets, sets a period's ledger from the calls on its first look (a new period: calls recorded
   * before any replica counted them), records thresholds crossed, and publishes the current period's state of
   * every budget (app and per-key) as gauges.
   */
  async refresh(): Promise<void> {
    // Renewed first, so a long call's own hold can never look stale to the sweep (here or on any replica).
    const running: string[] = [];
    for (const r of this.reservations.values()) if (r.held.some((h) => h.amount !== "0")) running.push(r.callId);
    await renewHolds(this.deps.pool, running);
    const swept = await sweepStaleHolds(this.deps.pool, this.holdLeaseMs);
    if (swept > 0)
      this.deps.logger.warn({ holds: swept }, "released budget reservations that were never settled (a replica stopped mid-call)");
    const budgets = await loadBudgets(this.deps.prisma);
    const byApp = new Map<string, BudgetRow>();
    const byKey = new Map<string, BudgetRow>();
    for (const b of budgets) {
      if (b.keyId) byKey.set(b.keyId, b);
      else byApp.set(b.app, b);
    }
    this.byApp = byApp;
    this.byKey = byKey;
    let states: BudgetState[] = [];
    let forecasts = new Map<string, Forecast>();
    if (budgets.length > 0) {
      await resyncLedgers(this.deps.pool, { nowMs: this.now(), current: "missing" });
      states = await budgetStates(this.deps.prisma, this.now());
      forecasts = await budgetForecasts(this.deps.prisma, states, this.now());
      await this.noticeThresholds(states, forecasts);
    }
    const published = new Map<string, string>();
    for (const s of states) {
      published.set(s.id, s.app);
      const forecastUsd = forecasts.get(s.id)?.forecastUsd;
      this.deps.metrics.set({
        budget: s.id,
        app: s.app,
        limitUsd: s.monthlyUsd,
        spentUsd: s.spentUsd,
        reservedUsd: s.reservedUsd,
        unpricedCalls: s.unpricedCalls,
        forecastUsd,
      });
    }
    for (const [id, app] of this.metricBudgets) if (published.get(id) !== app) this.deps.metrics.remove(id, app);
    this.metricBudgets = published;
  }

  /** The apps with a budget (their metrics labels are pinned, so they never become `other`). */
  apps(): Set<string> {
    const apps = new Set<string>();
    for (const b of this.byApp.values()) apps.add(b.app);
    for (const b of this.byKey.values()) apps.add(b.app);
    return apps;
  }

  // Not async itself: a call with no budget to check (most of them) is forwarded without a promise.
  readonly hook: BeforeForward = (call) => {
    const appBudget = this.byApp.get(call.attribution.app ?? "unknown");
    const keyBudget = call.keyId ? this.byKey.get(call.keyId) : undefined;
    if (!appBudget && !keyBudget) return;
    // The estimate (model, caps, n) must come from the body the provider will read, whatever its type.
    if (call.info.metered) requireParsedBody(call);
    return this.reserveFor(call, appBudget, keyBudget);
  };

  private async reserveFor(call: CallState, appBudget: BudgetRow | undefined, keyBudget: BudgetRow | undefined): Promise<void> {
    const priced = estimateCallCost(call, this.deps.priceBook, this.deps.defaultMaxOutputTokens);
    // A model without a price: its cost is unknown, so it reserves nothing (and is counted when settled).
    const estimate = priced ?? "0";
    const held: Held[] = [];
    try {
      for (const budget of [keyBudget, appBudget]) {
        if (!budget) continue;
        const period = periodOf(budget.period, call.startedMs).key;
        if (budget.action === "alert") {
          held.push({ budget, period, amount: "0" });
          continue;
        }
        if (priced === null && budget.unpriced === "block") throw new TollgateError("budget_blocked", this.unpricedMessage(budget, call));
        await this.ensure(budget.id, period);
        if (!(await reserve(this.deps.pool, budget.id, period, estimate, call.id))) {
          const message = await this.blockMessage(budget);
          if (message === null) continue; // deleted meanwhile: nothing to enforce
          throw new TollgateError("budget_blocked", message);
        }
        held.push({ budget, period, amount: estimate });
      }
    } catch (err) {
      this.release(call.id, held);
      if (err instanceof TollgateError) throw err;
      this.deps.logger.error({ err: (err as Error).message }, "budget check failed; call refused");
      throw new TollgateError(
        "proxy_error",
        "Tollgate could not check this app's budget (database unreachable); the call was not forwarded.",
        503,
      );
    }
    if (held.length === 0) return;
    if (call.finished) {
      // Recorded while we waited (the client's request failed): afterCall has run, so give it back now.
      this.release(call.id, held);
      return;
    }
    this.reservations.set(call.id, { callId: call.id, held });
  }

  /**
   * After a call ends: it is no longer running, so its holds stop being renewed. Its cost replaces its
   * estimate when the recorder writes it (the batch insert deletes its holds and adds its cost); a call the
   * recorder never writes has its holds swept after the lease.
   */
  readonly afterCall = (record: CallRecord): void => {
    this.reservations.delete(record.id);
  };

  private release(callId: string, held: Held[]): void {
    for (const h of held) if (h.amount !== "0") this.track(this.releaseOne(h.budget, h.period, callId));
  }

  private async releaseOne(budget: BudgetRow, period: string, callId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await releaseHold(this.deps.pool, budget.id, period, callId);
        return;
      } catch (err) {
        if (attempt >= RELEASE_ATTEMPTS) {
          this.deps.logger.error(
            { budget: budget.id, period, err: (err as Error).message },
            "budget release failed; the reservation is given back when its hold expires (TOLLGATE_BUDGET_HOLD_LEASE_MS)",
          );
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }

  /** Thresholds crossed since any replica last looked: each is logged once, by the replica that records it. */
  private async noticeThresholds(states: readonly BudgetState[], forecasts: ReadonlyMap<string, Forecast>): Promise<void> {
    const projected = new Map([...forecasts].map(([id, f]) => [id, f.forecastUsd]));
    for (const n of await recordThresholds(this.deps.prisma, states, projected)) {
      const fields = { budget: n.budgetId, app: n.app, period: n.period, action: n.action, limitUsd: n.limitUsd, spentUsd: n.spentUsd };
      if (n.kind === "forecast") this.deps.logger.info({ ...fields, forecastUsd: n.forecastUsd }, "budget forecast passes its limit");
      else if (n.kind !== "100") this.deps.logger.info({ ...fields, threshold: `${n.kind}%` }, "budget threshold crossed");
      else
        this.deps.logger.warn(
          fields,
          n.action === "alert" ? "budget reached (alert only: calls continue)" : "budget reached: further calls are blocked",
        );
    }
  }

  private track(p: Promise<void>): void {
    this.settling.add(p);
    void p.finally(() => this.settling.delete(p));
  }

  private async ensure(id: string, month: string): Promise<void> {
    const k = `${id}|${month}`;
    if (this.ledgers.has(k)) return;
    await ensureLedger(this.deps.pool, id, month);
    this.ledgers.add(k);
  }

  private unpricedMessage(budget: BudgetRow, call: CallState): string {
    const whose = budget.keyId ? `virtual key ${budget.keyId} of app "${budget.app}"` : `app "${budget.app}"`;
    return (
      `Tollgate budget "${budget.id}" for ${whose} refuses calls to models without a price, and ` +
      `"${call.info.model ?? ""}" (provider ${priceProviderOf(call)}) has none: add its price (POST /api/prices) ` +
      `or set the budget's "unpriced" to "allow".`
    );
  }

  /** The 429's message, naming the budget; null when the budget no longer exists. */
  private async blockMessage(budget: BudgetRow): Promise<string | null> {
    const state = (await budgetStates(this.deps.prisma, this.now())).find((s) => s.id === budget.id);
    if (!state) return null;
    const whose = state.keyId ? `virtual key ${state.keyId} of app "${state.app}"` : `app "${state.app}"`;
    const every = { month: "monthly", week: "weekly", day: "daily" }[state.period];
    return (
      `Tollgate budget "${state.id}" reached: the ${every} budget of ${usd(state.monthlyUsd)} for ${whose} ` +
      `has ${usd(state.spentUsd)} spent and ${usd(state.reservedUsd)} reserved by calls in flight in ${state.periodKey}.`
    );
  }

  /** Settlements still running (shutdown waits for them before closing the database). */
  async drain(): Promise<void> {
    while (this.settling.size > 0) await Promise.allSettled([...this.settling]);
  }
}

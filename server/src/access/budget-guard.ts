import type pg from "pg";
import { TollgateError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { CallRecord } from "../metering/call-record.ts";
import { canonicalDecimal } from "../metering/decimal.ts";
import type { PriceBook } from "../metering/price-book.ts";
import type { BudgetMetrics } from "../metrics/index.ts";
import type { CallState } from "../proxy/call-state.ts";
import type { BeforeForward } from "../proxy/handler.ts";
import { estimateCallCost } from "./budget-estimate.ts";
import { requireParsedBody } from "./parsed-body.ts";
import { budgetStates, ensureLedger, loadBudgets, monthOf, renewHolds, reserve, settle, sweepStaleHolds, type BudgetRow } from "./budget-store.ts";

interface Held {
  budget: BudgetRow;
  /** what was reserved ("0" for alert budgets, which never reserve) */
  amount: string;
}

interface Reservation {
  callId: string;
  month: string;
  held: Held[];
}

export interface BudgetGuardDeps {
  pool: pg.Pool;
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

const SETTLE_ATTEMPTS = 5;
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
 * cost once it has been recorded. Reservations in flight are counted against the budget, so concurrent calls
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
   * reloads budgets, and publishes this month's state of every budget (app and per-key) as gauges.
   */
  async refresh(): Promise<void> {
    // Renewed first, so a long call's own hold can never look stale to the sweep (here or on any replica).
    const running: string[] = [];
    for (const r of this.reservations.values()) if (r.held.some((h) => h.amount !== "0")) running.push(r.callId);
    await renewHolds(this.deps.pool, running);
    const swept = await sweepStaleHolds(this.deps.pool, this.holdLeaseMs);
    if (swept > 0) this.deps.logger.warn({ holds: swept }, "released budget reservations that were never settled (a replica stopped mid-call)");
    const budgets = await loadBudgets(this.deps.pool);
    const byApp = new Map<string, BudgetRow>();
    const byKey = new Map<string, BudgetRow>();
    for (const b of budgets) {
      if (b.keyId) byKey.set(b.keyId, b);
      else byApp.set(b.app, b);
    }
    this.byApp = byApp;
    this.byKey = byKey;
    const states = budgets.length > 0 ? await budgetStates(this.deps.pool, monthOf(this.now())) : [];
    const published = new Map<string, string>();
    for (const s of states) {
      published.set(s.id, s.app);
      this.deps.metrics.set({ budget: s.id, app: s.app, limitUsd: s.monthlyUsd, spentUsd: s.spentUsd, reservedUsd: s.reservedUsd, unpricedCalls: s.unpricedCalls });
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
    const month = monthOf(call.startedMs);
    const priced = estimateCallCost(call, this.deps.priceBook, this.deps.defaultMaxOutputTokens);
    // A model without a price: its cost is unknown, so it reserves nothing (and is counted when settled).
    const estimate = priced ?? "0";
    const held: Held[] = [];
    try {
      for (const budget of [keyBudget, appBudget]) {
        if (!budget) continue;
        if (budget.action === "alert") {
          held.push({ budget, amount: "0" });
          continue;
        }
        if (priced === null && budget.unpriced === "block") throw new TollgateError("budget_blocked", this.unpricedMessage(budget, call));
        await this.ensure(budget.id, month);
        if (!(await reserve(this.deps.pool, budget.id, month, estimate, call.id))) {
          const message = await this.blockMessage(budget, month);
          if (message === null) continue; // deleted meanwhile: nothing to enforce
          throw new TollgateError("budget_blocked", message);
        }
        held.push({ budget, amount: estimate });
      }
    } catch (err) {
      this.release(call.id, month, held);
      if (err instanceof TollgateError) throw err;
      this.deps.logger.error({ err: (err as Error).message }, "budget check failed; call refused");
      throw new TollgateError("proxy_error", "Tollgate could not check this app's budget (database unreachable); the call was not forwarded.", 503);
    }
    if (held.length === 0) return;
    if (call.finished) {
      // Recorded while we waited (the client's request failed): afterCall has run, so give it back now.
      this.release(call.id, month, held);
      return;
    }
    this.reservations.set(call.id, { callId: call.id, month, held });
  }

  /** After a call is recorded: its exact cost (none when unpriced or not forwarded) replaces its estimate. */
  readonly afterCall = (record: CallRecord): void => {
    const reservation = this.reservations.get(record.id);
    if (!reservation) return;
    this.reservations.delete(record.id);
    const cost = record.costUsd ?? "0";
    // the definition /api/spend and tollgate_unpriced_requests_total use: tokens used, no price matched
    const unpriced = record.costUsd === null && !record.priced && record.usageSource !== "none";
    for (const h of reservation.held) this.track(this.settleOne(h.budget, reservation.month, cost, reservation.callId, unpriced));
  };

  private release(callId: string, month: string, held: Held[]): void {
    for (const h of held) if (h.amount !== "0") this.track(this.settleOne(h.budget, month, "0", callId));
  }

  private async settleOne(budget: BudgetRow, month: string, cost: string, callId: string, unpriced = false): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (budget.action === "alert") await this.ensure(budget.id, month);
        const settled = await settle(this.deps.pool, budget.id, month, cost, callId, unpriced);
        if (settled?.crossed) {
          this.deps.logger.warn(
            { budget: budget.id, app: budget.app, month, action: budget.action, limitUsd: settled.monthlyUsd, spentUsd: settled.spentUsd },
            budget.action === "alert" ? "budget reached (alert only: calls continue)" : "budget reached: further calls are blocked",
          );
        }
        return;
      } catch (err) {
        if (attempt >= SETTLE_ATTEMPTS) {
          this.deps.logger.error({ budget: budget.id, month, err: (err as Error).message }, "budget settlement failed; its reservation is given back when its hold expires (TOLLGATE_BUDGET_HOLD_LEASE_MS)");
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
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
      `"${call.info.model ?? ""}" (provider ${call.adapter.priceProvider ?? call.provider.priceProvider}) has none: add its price (POST /api/prices) ` +
      `or set the budget's "unpriced" to "allow".`
    );
  }

  /** The 429's message, naming the budget; null when the budget no longer exists. */
  private async blockMessage(budget: BudgetRow, month: string): Promise<string | null> {
    const state = (await budgetStates(this.deps.pool, month)).find((s) => s.id === budget.id);
    if (!state) return null;
    const whose = state.keyId ? `virtual key ${state.keyId} of app "${state.app}"` : `app "${state.app}"`;
    return (
      `Tollgate budget "${state.id}" reached: the monthly budget of ${usd(state.monthlyUsd)} for ${whose} ` +
      `has ${usd(state.spentUsd)} spent and ${usd(state.reservedUsd)} reserved by calls in flight in ${month}.`
    );
  }

  /** Settlements still running (shutdown waits for them before closing the database). */
  async drain(): Promise<void> {
    while (this.settling.size > 0) await Promise.allSettled([...this.settling]);
  }
}

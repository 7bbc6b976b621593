import pg from "pg";
import type { Config } from "../config.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Logger } from "../lib/logger.ts";
import type { CallRecord } from "../domain/call-record.ts";
import type { PriceBook } from "../pricing/price-book.ts";
import type { Metrics } from "../metrics/index.ts";
import type { BeforeForward } from "../proxy/proxy-deps.ts";
import { BudgetGuard } from "./budget-guard.ts";
import { resyncLedgers } from "./budget-ledger.ts";
import { applyConfiguredWebhooks } from "./budget-webhooks.ts";
import { NotificationSender } from "./notification-sender.ts";
import { applyConfiguredBudgets } from "./configured-budgets.ts";
import { upsertBudget, type BudgetInput, type BudgetRow } from "./budget-store.ts";
import { KeyCache } from "./key-cache.ts";
import { virtualKeyHook } from "./key-hook.ts";
import { GoogleAccessTokens } from "./google-tokens.ts";
import { loadPepper } from "./key-secrets.ts";

export interface AccessDeps {
  config: Config;
  pool: pg.Pool;
  prisma: PrismaClient;
  priceBook: PriceBook;
  metrics: Metrics;
  logger: Logger;
}

/** The access services: what the proxy hooks and the admin routers (api/) use, plus their lifecycle. */
export interface Access {
  /** the install's virtual-key pepper: keys are stored as its HMAC */
  pepper: Buffer;
  /** virtual keys first (they pin the app), then budgets (which read it) */
  beforeForward: BeforeForward[];
  afterCall: Array<(record: CallRecord) => void>;
  keys: KeyCache;
  budgets: BudgetGuard;
  /** delivers budget notices to webhooks (polled every TOLLGATE_WEBHOOK_POLL_MS) */
  notifications: NotificationSender;
  /** creates or replaces a budget (its current period's ledger set from the calls made in it) */
  saveBudget(input: BudgetInput, nowMs: number): Promise<BudgetRow>;
  /** reloads this replica's budgets at once (others pick a change up on their refresh) */
  refreshBudgets(): Promise<void>;
  /** stops refreshing, settles budgets in flight and writes last-used times; before the database closes */
  close(): Promise<void>;
}

/**
 * Budget reservations and settlements all update one row per budget and month, so each holds that row's lock
 * until its commit. With synchronous_commit off the lock is released without waiting for the WAL flush
 * (about half the time per statement here, and the hot row's throughput with it). Isolation is unchanged —
 * every replica sees a committed reservation at once; only a Postgres crash can lose the last fraction of a
 * second of ledger updates (reservations, which only frees room, or settlements, which the calls table still
 * records).
 */
function budgetLedgerPool(pool: pg.Pool): pg.Pool {
  const connectionString = pool.options.connectionString;
  if (!connectionString) return pool;
  const ledger = new pg.Pool({ connectionString, max: 5, connectionTimeoutMillis: 5_000, options: "-c synchronous_commit=off" });
  ledger.on("error", () => {});
  return ledger;
}

/** Admin auth, virtual keys and budgets, loaded from the database and kept fresh every refreshMs. */
export async function createAccess(deps: AccessDeps): Promise<Access> {
  const { config, pool, logger } = deps;
  const pepper = await loadPepper(deps.prisma, config.access.keyPepper);
  const keys = new KeyCache(deps.prisma, pepper);
  const ledgerPool = budgetLedgerPool(pool);
  const budgets = new BudgetGuard({
    pool: ledgerPool,
    prisma: deps.prisma,
    priceBook: deps.priceBook,
    metrics: deps.metrics.budget,
    logger,
    defaultMaxOutputTokens: config.access.budgetDefaultMaxOutputTokens,
    holdLeaseMs: config.access.budgetHoldLeaseMs,
  });
  await applyConfiguredBudgets(pool, config.budgets);
  await applyConfiguredWebhooks(deps.prisma, config.budgetWebhooks);
  // Ledgers written before they were the calls' sum (or while this version was not running) are set right.
  await resyncLedgers(pool, { nowMs: Date.now(), current: "always" });
  await Promise.all([keys.refresh(), budgets.refresh()]);
  // Apps with virtual keys or budgets get metric labels of their own, whatever junk app names come first.
  const pinKeyApps = () => {
    for (const app of keys.apps()) deps.metrics.pinApp(app);
  };
  const pinBudgetApps = () => {
    for (const app of budgets.apps()) deps.metrics.pinApp(app);
  };
  pinKeyApps();
  pinBudgetApps();

  let refreshing = false;
  const timer = setInterval(() => {
    if (refreshing) return;
    refreshing = true;
    // Each refresh catches its own failure, so the combined promise cannot reject.
    void Promise.all([
      keys
        .refresh()
        .then(pinKeyApps)
        .catch((err: unknown) => logger.warn({ err: (err as Error).message }, "virtual key refresh failed")),
      budgets
        .refresh()
        .then(pinBudgetApps)
        .catch((err: unknown) => logger.warn({ err: (err as Error).message }, "budget refresh failed")),
    ]).finally(() => (refreshing = false));
  }, config.access.refreshMs);
  timer.unref();

  // Vertex routes with a service account: virtual-key calls carry an access token minted from it.
  const googleTokens = new Map<string, GoogleAccessTokens>();
  for (const p of config.providers.values()) {
    if (!p.serviceAccount) continue;
    const tokens = new GoogleAccessTokens(p.name, p.serviceAccount, {
      timeoutMs: config.access.googleTokenTimeoutMs,
      onRefreshError: (err) => logger.warn({ provider: p.name, err: (err as Error).message }, "Google access token refresh failed"),
    });
    tokens.warm();
    googleTokens.set(p.name, tokens);
  }

  const notifications = new NotificationSender({ prisma: deps.prisma, logger, retryBaseMs: config.access.webhookRetryBaseMs });
  const notifyTimer = setInterval(() => {
    notifications.poll().catch((err: unknown) => logger.warn({ err: (err as Error).message }, "budget notice delivery failed"));
  }, config.access.webhookPollMs);
  notifyTimer.unref();

  return {
    pepper,
    beforeForward: [
      virtualKeyHook(keys, {
        requireKey: config.access.requireVirtualKey,
        providerToken: (provider) => googleTokens.get(provider.name)?.get(),
      }),
      budgets.hook,
    ],
    afterCall: [budgets.afterCall],
    keys,
    budgets,
    notifications,
    saveBudget: (input, nowMs) => upsertBudget(pool, input, nowMs),
    refreshBudgets: () => budgets.refresh().then(pinBudgetApps),
    async close() {
      clearInterval(timer);
      clearInterval(notifyTimer);
      for (const tokens of googleTokens.values()) tokens.close();
      await notifications.drain();
      await budgets.drain();
      await keys.flush().catch((err: unknown) => logger.warn({ err: (err as Error).message }, "writing key last-used times failed"));
      if (ledgerPool !== pool) await ledgerPool.end().catch(() => {});
    },
  };
}

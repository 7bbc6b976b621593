import { stringFlag, timeFlag, UsageError, type Command } from "./args.ts";
import { PriceBook } from "../pricing/price-book.ts";
import { seedPrices } from "../pricing/price-seed.ts";
import { seedFeePrices } from "../pricing/fee-seed.ts";
import { recomputeCosts } from "../pricing/recompute.ts";
import { recordedPriceProvider } from "../providers/index.ts";
import { refreshRollups } from "../rollups/rollup-rebuild.ts";
import { recordAudit } from "../audit/audit-log.ts";
import { resyncLedgers } from "../access/budget-ledger.ts";

/** `prices recompute|seed`: the price table's CLI side. */
export const PRICE_COMMANDS: Record<string, Command> = {
  "prices recompute": {
    usage: "prices recompute --from ISO --to ISO [--provider P] [--model M] [--dry-run]",
    description: "re-price calls in [from, to) with the current price table and report what changed",
    async run({ args, config, database, print }) {
      const from = timeFlag(args, "from");
      const to = timeFlag(args, "to");
      if (from >= to) throw new UsageError("--from must be before --to");
      const db = await database();
      const book = await PriceBook.load(db.prisma);
      let rollupHours = 0;
      let budgetPeriods = 0;
      const report = await recomputeCosts(db.prisma, book, {
        from,
        to,
        provider: stringFlag(args, "provider"),
        model: stringFlag(args, "model"),
        dryRun: args.flags["dry-run"] === true,
        priceProviderFor: (p, endpoint) => {
          const provider = config.providers.get(p);
          return provider ? recordedPriceProvider(provider, endpoint) : p;
        },
        onChangedRange: async (changedFrom, changedTo) => {
          rollupHours += (await refreshRollups(db.pool, changedFrom, changedTo)).hours;
          // Budgets follow the rollups they are summed from: every budget period the changed calls fall in.
          budgetPeriods += await resyncLedgers(db.pool, { nowMs: Date.now(), from: changedFrom, to: new Date(changedTo.getTime() + 1) });
        },
      });
      if (args.flags["dry-run"] !== true) {
        const scope = {
          from: from.toISOString(),
          to: to.toISOString(),
          provider: stringFlag(args, "provider") ?? null,
          model: stringFlag(args, "model") ?? null,
        };
        await recordAudit(db.prisma, {
          actor: "cli",
          action: "prices.recompute",
          subject: `${scope.from}..${scope.to}`,
          detail: { ...scope, changed: report.changed, previousTotalUsd: report.previousTotalUsd, newTotalUsd: report.newTotalUsd },
        });
      }
      print(
        JSON.stringify(
          { dryRun: args.flags["dry-run"] === true, ...report, rollupHoursRefreshed: rollupHours, budgetPeriodsResynced: budgetPeriods },
          null,
          2,
        ),
      );
    },
  },
  "prices seed": {
    usage: "prices seed",
    description: "insert the bundled genai-prices rows and the config's custom prices (idempotent)",
    async run({ config, database, print }) {
      const db = await database();
      const report = await seedPrices(db.pool, config.extraPrices);
      const feePricesChanged = await seedFeePrices(db.pool, config.extraFeePrices);
      print(JSON.stringify({ ...report, feePricesChanged }, null, 2));
    },
  },
};

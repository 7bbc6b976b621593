import { dayFlag, stringFlag, UsageError, type Command } from "./args.ts";
import { reconcile } from "../reconciliation/reconcile.ts";
import type { ReportProvider } from "../reconciliation/report-rows.ts";

/** `reconcile --from DAY --to DAY [--provider P] [--hourly]`: fetch the providers' reports for [from, to) now. */
export const RECONCILE_COMMANDS: Record<string, Command> = {
  reconcile: {
    usage: "reconcile --from YYYY-MM-DD --to YYYY-MM-DD [--provider openai|anthropic] [--hourly]",
    description:
      "fetch the providers' own usage and cost reports for UTC days [from, to) and replace the stored ones (needs OPENAI_ADMIN_KEY / ANTHROPIC_ADMIN_KEY)",
    async run(ctx) {
      const from = dayFlag(ctx.args, "from");
      const to = dayFlag(ctx.args, "to");
      if (from >= to) throw new UsageError("--from must be before --to");
      const provider = stringFlag(ctx.args, "provider");
      if (provider !== undefined && provider !== "openai" && provider !== "anthropic")
        throw new UsageError("--provider: openai or anthropic");
      const sources = ctx.config.reconcile.sources;
      if (sources.length === 0) throw new Error("no admin key set: OPENAI_ADMIN_KEY and/or ANTHROPIC_ADMIN_KEY");
      if (provider && !sources.some((s) => s.provider === provider)) throw new Error(`no admin key set for ${provider}`);
      const db = await ctx.database();
      const results = await reconcile(db.prisma, sources, {
        from,
        to,
        hourly: ctx.args.flags.hourly === true,
        providers: provider ? [provider as ReportProvider] : undefined,
      });
      ctx.print(JSON.stringify({ fetched: results }, null, 2));
    },
  },
};

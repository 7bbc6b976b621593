// Only types come from cli.ts: this module is imported by it, so a value import would be circular.
import type { Command, CliContext } from "../cli.ts";
import { reconcile } from "../reconciliation/reconcile.ts";
import type { ReportProvider } from "../reconciliation/report-rows.ts";

function dayFlag(ctx: CliContext, name: string): Date {
  const v = ctx.args.flags[name];
  if (typeof v !== "string") throw new Error(`--${name} is required (a UTC day, YYYY-MM-DD, or an ISO-8601 time)`);
  const t = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(t.getTime())) throw new Error(`--${name}: not a day: ${v}`);
  return t;
}

/** `reconcile --from DAY --to DAY [--provider P] [--hourly]`: fetch the providers' reports for [from, to) now. */
export const RECONCILE_COMMANDS: Record<string, Command> = {
  reconcile: {
    usage: "reconcile --from YYYY-MM-DD --to YYYY-MM-DD [--provider openai|anthropic] [--hourly]",
    description: "fetch the providers' own usage and cost reports for UTC days [from, to) and replace the stored ones (needs OPENAI_ADMIN_KEY / ANTHROPIC_ADMIN_KEY)",
    async run(ctx) {
      const from = dayFlag(ctx, "from");
      const to = dayFlag(ctx, "to");
      if (from >= to) throw new Error("--from must be before --to");
      const provider = ctx.args.flags.provider;
      if (provider !== undefined && provider !== "openai" && provider !== "anthropic") throw new Error("--provider: openai or anthropic");
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

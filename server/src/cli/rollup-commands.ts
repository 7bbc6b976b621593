import { dayFlag, UsageError, type Command } from "./args.ts";
import { rebuildRollupDays } from "../rollups/rollup-rebuild.ts";

/** `rollups rebuild`: every rollup of a range of days rebuilt from the calls (after an upgrade adds a rollup). */
export const ROLLUP_COMMANDS: Record<string, Command> = {
  "rollups rebuild": {
    usage: "rollups rebuild [--from DAY] [--to DAY]",
    description: "rebuild every rollup of the UTC days [from, to] from the calls (default: the first call's day to today), a day at a time",
    async run({ args, database, print }) {
      const from = args.flags.from === undefined ? undefined : dayFlag(args, "from");
      const to = args.flags.to === undefined ? undefined : dayFlag(args, "to");
      if (from && to && from > to) throw new UsageError("--from must not be after --to");
      const db = await database();
      const started = performance.now();
      const report = await rebuildRollupDays(db.pool, { from, to });
      print(JSON.stringify({ ...report, seconds: Math.round((performance.now() - started) / 100) / 10 }, null, 2));
    },
  },
};

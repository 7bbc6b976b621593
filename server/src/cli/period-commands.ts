import { stringFlag, UsageError, type Command } from "./args.ts";
import { recordAudit } from "../audit/audit-log.ts";
import { closeMonth, listClosed, reopenMonth } from "../books/periods.ts";

function monthArg(positionals: string[]): string {
  const month = positionals[0];
  if (!month || !/^\d{4}-\d{2}$/.test(month)) throw new UsageError("give the month as YYYY-MM");
  return month;
}

/** `periods close|reopen|list`: the CLI side of closed months; close and reopen are audited as "cli". */
export const PERIOD_COMMANDS: Record<string, Command> = {
  "periods close": {
    usage: "periods close YYYY-MM [--reason TEXT]",
    description: "close a month: prices recompute will not change its costs until it is reopened",
    async run({ args, database, print }) {
      const month = monthArg(args.positionals);
      const reason = stringFlag(args, "reason") ?? null;
      const db = await database();
      const period = await closeMonth(db.prisma, month, "cli", reason);
      await recordAudit(db.prisma, { actor: "cli", action: "POST /periods", subject: `${month}/close`, detail: { reason } });
      print(JSON.stringify(period, null, 2));
    },
  },
  "periods reopen": {
    usage: "periods reopen YYYY-MM --reason TEXT",
    description: "reopen a closed month (the reason is required and kept in the audit log)",
    async run({ args, database, print }) {
      const month = monthArg(args.positionals);
      const reason = stringFlag(args, "reason");
      if (reason === undefined || reason.trim() === "") throw new UsageError("--reason is required to reopen a month");
      const db = await database();
      const period = await reopenMonth(db.prisma, month, reason);
      await recordAudit(db.prisma, { actor: "cli", action: "POST /periods", subject: `${month}/reopen`, detail: { reason } });
      print(JSON.stringify({ reopened: period, reason }, null, 2));
    },
  },
  "periods list": {
    usage: "periods list",
    description: "the closed months, newest first",
    async run({ database, print }) {
      const db = await database();
      print(JSON.stringify(await listClosed(db.prisma), null, 2));
    },
  },
};

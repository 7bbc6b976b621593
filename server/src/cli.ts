/**
 * `npm run tollgate -- <command> [--flag value]`: admin commands run against DATABASE_URL.
 * To add a command, add one entry to COMMANDS.
 */
import { pathToFileURL } from "node:url";
import { loadConfig, type Config } from "./config.ts";
import { createDatabase, type Database } from "./db/client.ts";
import { migrateDatabase } from "./db/migrate.ts";
import { PriceBook } from "./pricing/price-book.ts";
import { seedPrices } from "./pricing/price-seed.ts";
import { seedFeePrices } from "./pricing/fee-seed.ts";
import { recomputeCosts } from "./pricing/recompute.ts";
import { recordedPriceProvider } from "./providers/index.ts";
import { KEY_COMMANDS } from "./access/key-commands.ts";
import { refreshRollups } from "./rollups/rollup-sql.ts";
import { PERIOD_COMMANDS } from "./cli/period-commands.ts";
import { recordAudit } from "./audit/audit-log.ts";
import { resyncLedgers } from "./access/budget-ledger.ts";
import { RECONCILE_COMMANDS } from "./cli/reconcile-command.ts";

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | true>;
}

/** `a b --from X --to=Y --dry-run` → positionals [a, b], flags {from: X, to: Y, "dry-run": true}. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { positionals: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    if (eq > 0) out.flags[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("--")) out.flags[arg.slice(2)] = argv[++i]!;
    else out.flags[arg.slice(2)] = true;
  }
  return out;
}

export class UsageError extends Error {}

export interface CliContext {
  args: ParsedArgs;
  config: Config;
  /** opens the database (once) with migrations applied */
  database(): Promise<Database>;
  print(line: string): void;
}

export interface Command {
  usage: string;
  description: string;
  run(ctx: CliContext): Promise<void>;
}

function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

function timeFlag(args: ParsedArgs, name: string): Date {
  const v = stringFlag(args, name);
  if (!v) throw new UsageError(`--${name} is required (an ISO-8601 time)`);
  const t = new Date(v);
  if (Number.isNaN(t.getTime())) throw new UsageError(`--${name}: not an ISO-8601 time: ${v}`);
  return t;
}

export const COMMANDS: Record<string, Command> = {
  ...KEY_COMMANDS,
  ...PERIOD_COMMANDS,
  ...RECONCILE_COMMANDS,
  "prices recompute": {
    usage: "prices recompute --from ISO --to ISO [--provider P] [--model M] [--dry-run]",
    description: "re-price calls in [from, to) with the current price table and report what changed",
    async run({ args, config, database, print }) {
      const from = timeFlag(args, "from");
      const to = timeFlag(args, "to");
      if (from >= to) throw new UsageError("--from must be before --to");
      const db = await database();
      const book = await PriceBook.load(db.pool);
      let rollupHours = 0;
      let budgetPeriods = 0;
      const report = await recomputeCosts(db.pool, book, {
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
        const scope = { from: from.toISOString(), to: to.toISOString(), provider: stringFlag(args, "provider") ?? null, model: stringFlag(args, "model") ?? null };
        await recordAudit(db.prisma, { actor: "cli", action: "prices.recompute", subject: `${scope.from}..${scope.to}`, detail: { ...scope, changed: report.changed, previousTotalUsd: report.previousTotalUsd, newTotalUsd: report.newTotalUsd } });
      }
      print(JSON.stringify({ dryRun: args.flags["dry-run"] === true, ...report, rollupHoursRefreshed: rollupHours, budgetPeriodsResynced: budgetPeriods }, null, 2));
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

/** The one place the CLI reads the process environment. */
function readEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env };
}

function help(): string {
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage}\n      ${c.description}`);
  return `usage: npm run tollgate -- <command>\n\ncommands:\n${lines.join("\n")}`;
}

/** Finds the longest command name that prefixes the positionals. */
function findCommand(positionals: string[]): { command: Command; rest: string[] } | null {
  for (let n = positionals.length; n > 0; n--) {
    const command = COMMANDS[positionals.slice(0, n).join(" ")];
    if (command) return { command, rest: positionals.slice(n) };
  }
  return null;
}

export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, print = (l: string) => console.log(l)): Promise<number> {
  const args = parseArgs(argv);
  const found = findCommand(args.positionals);
  if (!found || args.flags.help) {
    print(help());
    return found || args.positionals.length === 0 ? 0 : 2;
  }
  let db: Database | undefined;
  try {
    const config = loadConfig(env);
    const ctx: CliContext = {
      args: { ...args, positionals: found.rest },
      config,
      print,
      async database() {
        if (db) return db;
        if (!config.databaseUrl) throw new UsageError("DATABASE_URL is not set: the CLI works on the database given there");
        db = createDatabase(config.databaseUrl, { max: 4 });
        await migrateDatabase(db.pool, config.migrationDatabaseUrl);
        return db;
      },
    };
    await found.command.run(ctx);
    return 0;
  } catch (err) {
    print(`error: ${(err as Error).message}`);
    if (err instanceof UsageError) print(`usage: npm run tollgate -- ${found.command.usage}`);
    return err instanceof UsageError ? 2 : 1;
  } finally {
    await db?.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await runCli(process.argv.slice(2), readEnvironment());
}

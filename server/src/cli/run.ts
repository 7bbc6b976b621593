import { loadConfig } from "../config.ts";
import { createDatabase, type Database } from "../db/client.ts";
import { migrateDatabase } from "../db/migrate.ts";
import { TollgateError } from "../lib/errors.ts";
import { parseArgs, UsageError, type CliContext, type Command } from "./args.ts";
import { COMMANDS } from "./commands.ts";

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

/** Runs one command line; returns the exit code (0 ok, 1 failed, 2 usage). */
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
    // A field the command's validation refused is a usage error too, whichever layer refused it.
    const usage = err instanceof UsageError || (err instanceof TollgateError && err.status === 400);
    if (usage) print(`usage: npm run tollgate -- ${found.command.usage}`);
    return usage ? 2 : 1;
  } finally {
    await db?.close();
  }
}

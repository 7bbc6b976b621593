import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";

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

/** A command line the command cannot run: the CLI prints the message and the command's usage, exit 2. */
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

/** A `--name value` flag; `--name` with no value is a usage error, absence is undefined. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

export function timeFlag(args: ParsedArgs, name: string): Date {
  const v = stringFlag(args, name);
  if (!v) throw new UsageError(`--${name} is required (an ISO-8601 time)`);
  const t = new Date(v);
  if (Number.isNaN(t.getTime())) throw new UsageError(`--${name}: not an ISO-8601 time: ${v}`);
  return t;
}

/** `--name DAY` as a UTC day (YYYY-MM-DD) or an ISO-8601 time. */
export function dayFlag(args: ParsedArgs, name: string): Date {
  const v = stringFlag(args, name);
  if (!v) throw new UsageError(`--${name} is required (a UTC day, YYYY-MM-DD, or an ISO-8601 time)`);
  const t = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(t.getTime())) throw new UsageError(`--${name}: not a day: ${v}`);
  return t;
}

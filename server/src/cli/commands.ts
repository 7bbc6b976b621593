import type { Command } from "./args.ts";
import { KEY_COMMANDS } from "./key-commands.ts";
import { PERIOD_COMMANDS } from "./period-commands.ts";
import { PRICE_COMMANDS } from "./price-commands.ts";
import { RECONCILE_COMMANDS } from "./reconcile-command.ts";
import { ROLLUP_COMMANDS } from "./rollup-commands.ts";

/** Every CLI command by its name; to add a command, add its table here. */
export const COMMANDS: Record<string, Command> = {
  ...KEY_COMMANDS,
  ...PERIOD_COMMANDS,
  ...RECONCILE_COMMANDS,
  ...PRICE_COMMANDS,
  ...ROLLUP_COMMANDS,
};

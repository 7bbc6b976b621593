/**
 * `npm run tollgate -- <command> [--flag value]`: admin commands run against DATABASE_URL.
 * The commands live in cli/; this file is the process entry and the one place the CLI reads the environment.
 */
import { pathToFileURL } from "node:url";
import { runCli } from "./cli/run.ts";

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await runCli(process.argv.slice(2), { ...process.env });
}

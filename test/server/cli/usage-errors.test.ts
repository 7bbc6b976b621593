import { describe, expect, it } from "vitest";
import { runCli } from "../../../server/src/cli/run.ts";

/** Every command answers a malformed command line the same way: the reason, its usage line, exit 2 — before touching a database. */
describe("CLI usage errors", () => {
  const cases: Array<[string, string[], RegExp]> = [
    ["keys create --app with no value", ["keys", "create", "--app"], /--app needs a value/],
    ["keys create without an app", ["keys", "create"], /app/],
    ["keys create with an unknown scope", ["keys", "create", "--app", "a", "--endpoints", "admin"], /endpoints/],
    ["keys revoke without an id", ["keys", "revoke"], /needs the key's id/],
    ["prices recompute --from with no value", ["prices", "recompute", "--from"], /--from needs a value/],
    ["prices recompute without --to", ["prices", "recompute", "--from", "2026-01-01"], /--to is required/],
    ["periods close with a bad month", ["periods", "close", "2026-1"], /YYYY-MM/],
    ["periods reopen --reason with no value", ["periods", "reopen", "2026-01", "--reason"], /--reason needs a value/],
    ["reconcile --provider unknown", ["reconcile", "--from", "2026-01-01", "--to", "2026-01-02", "--provider", "x"], /--provider/],
  ];
  it.each(cases)("%s", async (_name, argv, message) => {
    const out: string[] = [];
    // No DATABASE_URL: a usage error must be found before the database is opened.
    expect(await runCli(argv, {}, (l) => out.push(l))).toBe(2);
    const text = out.join("\n");
    expect(text).toMatch(message);
    expect(text).toContain(`usage: npm run tollgate -- ${argv[0]}`);
  });
});

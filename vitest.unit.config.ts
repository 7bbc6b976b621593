import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:unit`: the pure tests — no Postgres, no server bundle, no browser — in seconds. A test file
 * is pure when nothing it imports from test/ (followed transitively) needs the global set-up's database or
 * bundle (vitest's `inject`), starts a database of its own, or spawns Tollgate; `npm test` runs everything.
 * Computed from the imports, so a new test is sorted without anyone keeping a list.
 */
const ROOT = dirname(new URL(import.meta.url).pathname);
const IMPURE = /\binject\(|startPrivatePostgres|startEmbeddedPostgres|startReplicaCluster|startChromium|createBenchDatabase/;
const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g;

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return /\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const verdicts = new Map<string, boolean>();
function isPure(file: string, seen = new Set<string>()): boolean {
  const known = verdicts.get(file);
  if (known !== undefined) return known;
  if (seen.has(file)) return true;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  let pure = !IMPURE.test(text);
  for (const [, spec] of text.matchAll(IMPORT)) {
    if (!pure || !spec) break;
    const target = resolve(dirname(file), spec);
    // Only test helpers decide: server code is what the tests are about, pure or not.
    if (relative(join(ROOT, "test"), target).startsWith("..")) continue;
    // Import-like text that names no file (an example inside a test's strings) is not an import.
    if (!existsSync(target)) continue;
    pure = isPure(target, seen);
  }
  verdicts.set(file, pure);
  return pure;
}

export const unitTests = testFiles(join(ROOT, "test"))
  .filter((f) => isPure(f))
  .map((f) => relative(ROOT, f));

export default defineConfig({
  test: {
    include: unitTests,
    testTimeout: 30_000,
    setupFiles: ["test/support/setup-dom.ts"],
    expect: { poll: { timeout: 20_000 } },
    reporters: ["default", "./test/support/count-reporter.ts"],
    pool: "forks",
  },
});

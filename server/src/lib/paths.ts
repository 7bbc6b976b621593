import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where Tollgate runs from. The same code runs from its TypeScript sources (tests, `npm run dev`) and from
 * the bundle in dist/server (`npm start`, the image), so files beside the code are found from the project
 * root — the nearest directory up with package.json and prisma/ — not from a fixed number of "../".
 */
function findProjectRoot(from: string): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "prisma"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`Tollgate's project root (package.json and prisma/) was not found above ${from}`);
    dir = up;
  }
}

export const PROJECT_ROOT = findProjectRoot(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = join(PROJECT_ROOT, "prisma", "migrations");
export const DASHBOARD_DIR = join(PROJECT_ROOT, "dashboard", "dist");

// Defined as true by scripts/build-server.mjs; absent when running from the TypeScript sources.
declare const TOLLGATE_BUNDLED: boolean | undefined;
/** running from the bundle in dist/server (its modules sit side by side there, as .mjs files) */
export const BUNDLED = typeof TOLLGATE_BUNDLED !== "undefined" && TOLLGATE_BUNDLED;

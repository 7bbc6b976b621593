// `npm start` serves the built dashboard; build it once if it is missing or older than its sources.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const built = join(root, "dashboard", "dist", "index.html");

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const sources = join(root, "dashboard", "src");
const stale = !existsSync(built) || (existsSync(sources) && newestMtime(sources) > statSync(built).mtimeMs);
if (stale && existsSync(join(root, "node_modules", ".bin", "vite"))) {
  console.log("building the dashboard…");
  const result = spawnSync(join(root, "node_modules", ".bin", "vite"), ["build", "--config", "dashboard/vite.config.ts", "--logLevel", "warn"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

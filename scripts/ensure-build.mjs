// `npm start` runs the built dashboard and the bundled server (dist/server); each is built here when it is
// missing or older than its sources, so a fresh clone and an edited checkout both start what they hold.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function stale(built, ...sources) {
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return sources.some((dir) => existsSync(dir) && newestMtime(dir) > builtAt);
}

function run(what, command, args) {
  console.log(`building ${what}…`);
  // A production build whoever calls this: under NODE_ENV=test (vitest) or development, Vite would bundle
  // React's development build (jsx-dev-runtime, ≈40 KB more brotli), which `npm start` would then serve.
  const env = { ...process.env, NODE_ENV: "production" };
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const vite = join(root, "node_modules", ".bin", "vite");
if (stale(join(root, "dashboard", "dist", "index.html"), join(root, "dashboard", "src")) && existsSync(vite)) {
  run("the dashboard", vite, ["build", "--config", "dashboard/vite.config.ts", "--logLevel", "warn"]);
  // as `npm run build` does: without the .br/.gz beside each asset the server sends them uncompressed
  run("the compressed assets", process.execPath, [join(root, "scripts", "precompress.mjs")]);
}
if (stale(join(root, "dist", "server", "main.mjs"), join(root, "server", "src"))) {
  run("the server", process.execPath, [join(root, "scripts", "build-server.mjs")]);
}

// Tollgate as users run it: plain Node (no tsx) running the bundle `npm start` runs (dist/server, rebuilt
// first if its sources are newer), started with startTollgate — recorder ON into Postgres, metrics,
// pricing, key and budget hooks — its openai upstream pointed at the fake. BENCH_FROM_SOURCE=1 runs the
// TypeScript sources through tsx instead (what tests and `npm run dev` run), to measure what the bundle
// saves. The environment goes through loadConfig unchanged, so a bench run can try any TOLLGATE_* setting.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { failChild, serveChild } from "./child-serve.mjs";

const root = new URL("..", import.meta.url).pathname;

async function loadTollgate() {
  if (process.env.BENCH_FROM_SOURCE === "1") {
    const { register } = await import("tsx/esm/api");
    register();
    return import("../server/src/tollgate.ts");
  }
  const built = spawnSync(process.execPath, [join(root, "scripts", "ensure-build.mjs")], { cwd: root, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`building Tollgate failed: ${built.stderr || built.stdout}`);
  return import(join(root, "dist", "server", "tollgate.mjs"));
}

try {
  const { loadConfig, startTollgate } = await loadTollgate();
  const config = loadConfig({
    TOLLGATE_LOG_LEVEL: "warn",
    TOLLGATE_DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-bench-")),
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    TOLLGATE_UPSTREAM_OPENAI: process.env.BENCH_UPSTREAM ?? failChild("BENCH_UPSTREAM is not set"),
  });
  const tollgate = await startTollgate(config);
  serveChild(
    tollgate.url,
    () => tollgate.close(),
    () => ({ recorderQueue: tollgate.recorder.queueDepth() }),
  );
} catch (err) {
  failChild(err);
}

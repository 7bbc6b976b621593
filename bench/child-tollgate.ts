/**
 * Tollgate as users run it (startTollgate: recorder ON into Postgres, metrics, pricing), its openai upstream
 * pointed at the fake. The environment is passed through loadConfig unchanged, so a bench run can try any
 * TOLLGATE_* setting.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../server/src/config.ts";
import { startTollgate } from "../server/src/server.ts";
import { failChild, serveChild } from "./child-ipc.ts";

try {
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

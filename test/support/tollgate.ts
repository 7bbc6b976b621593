import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../server/src/config.ts";
import { startTollgate, type Tollgate } from "../../server/src/server.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";

export interface TestTollgate {
  url: string;
  tollgate: Tollgate;
  db: TestDatabase;
  /** flushes the recorder and returns the calls table's rows (API field names), oldest first */
  calls(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** Starts the real server (real config parsing, real Postgres database of its own) on port 0. */
export async function startTestTollgate(env: Record<string, string> = {}, options: { estimatorWorker?: URL } = {}): Promise<TestTollgate> {
  const db = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: "0",
    TOLLGATE_LOG_LEVEL: "silent",
    TOLLGATE_RECORDER_FLUSH_MS: "10",
    // Tests load the tokenizer lazily (at the first estimate) rather than paying ~2 s per server start.
    TOLLGATE_TOKENIZER_PRELOAD: "false",
    TOLLGATE_DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-data-")),
    ...env,
  });
  const tollgate = await startTollgate(config, options);
  return {
    url: tollgate.url,
    tollgate,
    db,
    async calls() {
      await tollgate.recorder.flush();
      const res = await fetch(`${tollgate.url}/api/calls?limit=500`, {
        headers: env.TOLLGATE_ADMIN_TOKEN ? { authorization: `Bearer ${env.TOLLGATE_ADMIN_TOKEN}` } : {},
      });
      const body = (await res.json()) as { calls: Record<string, unknown>[] };
      return body.calls.reverse();
    },
    async close() {
      await tollgate.close();
      await db.drop();
    },
  };
}

/**
 * Polls until `check` passes (the proxy finishes a call just after the client sees its end). The default limit
 * is generous: a call without reported usage is recorded once its token estimate is back, and a server's
 * first estimate loads the tokenizer in its worker — 1–2 s of CPU, over 5 s on a loaded machine.
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

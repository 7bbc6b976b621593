import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../../server/src/config.ts";
import { createLogger } from "../../../server/src/lib/logger.ts";
import { startTollgate, type Tollgate } from "../../../server/src/server.ts";
import type { TestDatabase } from "../../support/db.ts";

export const ADMIN_TOKEN = "admin-token-for-access-tests-0123456789";

export interface Replica {
  url: string;
  tollgate: Tollgate;
  /** every log line the replica wrote (JSON text), for the secrets scan */
  logs: string[];
  admin(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Starts a Tollgate on an EXISTING test database (so several replicas can share one), logging at `debug`
 * into memory. Replicas must be started one after another (start-up seeds prices).
 */
export async function startReplica(db: TestDatabase, env: Record<string, string> = {}): Promise<Replica> {
  const logs: string[] = [];
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: "0",
    TOLLGATE_RECORDER_FLUSH_MS: "10",
    TOLLGATE_TOKENIZER_PRELOAD: "false",
    TOLLGATE_DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-access-")),
    TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN,
    ...env,
  });
  const logger = createLogger("debug", { write: (line: string) => void logs.push(line) });
  const tollgate = await startTollgate(config, { logger });
  const token = env.TOLLGATE_ADMIN_TOKEN ?? ADMIN_TOKEN;
  return {
    url: tollgate.url,
    tollgate,
    logs,
    admin(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${token}`);
      if (init.body !== undefined) headers.set("content-type", "application/json");
      return fetch(`${tollgate.url}${path}`, { ...init, headers });
    },
    close: () => tollgate.close(),
  };
}

/** POST /api/keys through a replica; returns the created key's JSON (with the secret). */
export async function createKey(
  replica: Replica,
  body: Record<string, unknown>,
): Promise<{ id: string; key: string; app: string; provider: string | null; prefix: string; expiresAt: string | null }> {
  const res = await replica.admin("/api/keys", { method: "POST", body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`POST /api/keys answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: string; key: string; app: string; provider: string | null; prefix: string; expiresAt: string | null };
}

/** Every call the replica recorded (flushes first), oldest first. */
export async function recordedCalls(replica: Replica): Promise<Record<string, unknown>[]> {
  await replica.tollgate.recorder.flush();
  const res = await replica.admin("/api/calls?limit=500");
  const body = (await res.json()) as { calls: Record<string, unknown>[] };
  return body.calls.reverse();
}

/** The recorded call with this id (waits for the recorder). */
export async function callById(replica: Replica, id: string | null | undefined): Promise<Record<string, unknown>> {
  if (!id) throw new Error("no x-tollgate-call-id header");
  const deadline = Date.now() + 5_000;
  for (;;) {
    await replica.tollgate.recorder.flush();
    const res = await replica.admin(`/api/calls/${id}`);
    if (res.status === 200) return (await res.json()) as Record<string, unknown>;
    if (Date.now() > deadline) throw new Error(`call ${id} not recorded (status ${res.status})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

import { Writable } from "node:stream";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../server/src/config.ts";
import { createLogger } from "../../../server/src/lib/logger.ts";
import { startTollgate, type Tollgate } from "../../../server/src/server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { eventually } from "../../support/tollgate.ts";
import { startFaultyUpstream, type FaultyUpstream } from "./faulty-upstream.ts";

const SECRET_KEY = "sk-live-SECRET-0123456789abcdef";
const SECRET_QUERY = "AIzaSECRETQUERYKEY42";
const lines: Record<string, unknown>[] = [];
let raw = "";
let upstream: FaultyUpstream;
let db: TestDatabase;
let tollgate: Tollgate;

beforeAll(async () => {
  upstream = await startFaultyUpstream();
  db = await createTestDatabase();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw += chunk.toString("utf8");
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: "0",
    TOLLGATE_UPSTREAM_OPENAI: upstream.url,
    TOLLGATE_UPSTREAM_TIMEOUT_MS: "500",
    TOLLGATE_DATA_DIR: mkdtempSync(join(tmpdir(), "tollgate-log-")),
    TOLLGATE_TOKENIZER_PRELOAD: "false",
  });
  tollgate = await startTollgate(config, { logger: createLogger("debug", sink) });
});
afterAll(async () => {
  await tollgate?.close();
  await db?.drop();
  await upstream?.close();
});

const call = (model: string, query = "") =>
  fetch(`${tollgate.url}/openai/v1/chat/completions${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${SECRET_KEY}`, "x-api-key": SECRET_KEY },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });

describe("logs", () => {
  it("carry the call id on every proxy line and never a key, header or query string", async () => {
    const ok = await call("gpt-4o-mini", `?key=${SECRET_QUERY}`);
    const timedOut = await call("hang", `?key=${SECRET_QUERY}`);
    expect(ok.status).toBe(200);
    expect(timedOut.status).toBe(504);
    const ids = [ok.headers.get("x-tollgate-call-id"), timedOut.headers.get("x-tollgate-call-id")];
    await tollgate.recorder.flush();
    await eventually(async () => expect(lines.filter((l) => ids.includes(l.callId as string))).toHaveLength(2));

    const perCall = lines.filter((l) => l.msg === "call" || l.msg === "call failed");
    expect(perCall.length).toBeGreaterThanOrEqual(2);
    expect(perCall.every((l) => typeof l.callId === "string" && (l.callId as string).length === 36)).toBe(true);
    const failed = lines.find((l) => l.callId === ids[1])!;
    expect(failed).toMatchObject({ level: 40, msg: "call failed", outcome: "timeout", status: 504 });
    expect(lines.find((l) => l.callId === ids[0])).toMatchObject({ level: 20, msg: "call", outcome: "ok" });

    expect(raw).not.toContain(SECRET_KEY);
    expect(raw).not.toContain(SECRET_QUERY);
    expect(raw.toLowerCase()).not.toContain("authorization");
  });
});

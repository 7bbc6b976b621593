import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Tollgate running as a real process — the bundle, as `npm start` runs it — in its own process group. */
export interface TollgateProcess {
  url: string;
  pid: number;
  /** pino lines it printed, parsed */
  logs: Record<string, unknown>[];
  /** raw stdout + stderr */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  signal(sig: NodeJS.Signals): void;
  /** SIGKILLs the whole group if still running (test clean-up) */
  kill(): void;
}

export async function spawnTollgate(env: Record<string, string>, timeoutMs = 60_000): Promise<TollgateProcess> {
  // Node itself, as `npm start` and the image run it: signals reach the server with nothing in between.
  const child = spawn(process.execPath, ["--enable-source-maps", join(inject("serverBundle"), "main.mjs")], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: "0", TOLLGATE_TOKENIZER_PRELOAD: "false", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  let raw = "";
  let pending = "";
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      running = false;
      resolve({ code, signal });
    }),
  );
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Tollgate did not start in ${timeoutMs} ms:\n${raw}`)), timeoutMs);
    void exited.then(() => reject(new Error(`Tollgate exited during start-up:\n${raw}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      raw += chunk.toString("utf8");
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === "Tollgate listening") {
            clearTimeout(timer);
            resolve(String(entry.url));
          }
        } catch {
          // not a log line
        }
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
  });
  return {
    url: await url,
    pid: child.pid!,
    logs,
    output: () => raw,
    exited,
    signal: (sig) => process.kill(child.pid!, sig),
    kill() {
      if (!running) return;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    },
  };
}

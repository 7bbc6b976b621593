/**
 * The parent side and the child side of a bench child process. Each system under test (fake upstream,
 * bare proxy, Tollgate) runs in a process of its own so its CPU time can be read alone, and the load
 * generator's own work does not count against it.
 */
import { fork, type ChildProcess } from "node:child_process";

export interface ChildStats {
  /** user + system CPU time since the process started, microseconds */
  cpuMicros: number;
  rssBytes: number;
  /** V8 heap in use, and memory outside it (Buffers, WASM such as the tokenizer) */
  heapUsedBytes: number;
  externalBytes: number;
  /** figures the child adds of its own (e.g. the recorder's queue depth) */
  extra: Record<string, number>;
}

type FromChild = { type: "ready"; url: string } | { type: "stats"; stats: ChildStats } | { type: "error"; message: string };
type ToChild = { type: "stats" } | { type: "exit" };

export interface BenchChild {
  url: string;
  pid: number;
  stats(): Promise<ChildStats>;
  /** asks the child to exit cleanly (so `--cpu-prof` writes its profile), killing it after a grace period */
  stop(): Promise<void>;
}

/** Starts `entry` (a bench/child-* file: .ts under tsx, .mjs as plain Node) and waits for it to report its URL. */
export function startChild(entry: string, env: Record<string, string>, execArgv: string[] = []): Promise<BenchChild> {
  const child: ChildProcess = fork(new URL(entry, import.meta.url).pathname, [], {
    env: { ...process.env, ...env },
    execArgv: entry.endsWith(".mjs") ? execArgv : ["--import", "tsx", ...execArgv],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    const pending: ((s: ChildStats) => void)[] = [];
    child.on("message", (message: FromChild) => {
      if (message.type === "ready") resolve(api(message.url));
      else if (message.type === "error") reject(new Error(`${entry}: ${message.message}`));
      else pending.shift()?.(message.stats);
    });
    child.once("exit", (code) => reject(new Error(`${entry} exited with code ${code} before it was ready`)));
    const api = (url: string): BenchChild => ({
      url,
      pid: child.pid ?? 0,
      stats: () =>
        new Promise<ChildStats>((res) => {
          pending.push(res);
          child.send({ type: "stats" } satisfies ToChild);
        }),
      stop: () =>
        new Promise<void>((res) => {
          if (child.exitCode !== null) return res();
          const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
          child.once("exit", () => {
            clearTimeout(kill);
            res();
          });
          child.send({ type: "exit" } satisfies ToChild);
        }),
    });
  });
}

// The child side (serveChild, failChild) is child-serve.mjs: plain JavaScript, so Tollgate's child needs no tsx.
export { failChild, serveChild } from "./child-serve.mjs";

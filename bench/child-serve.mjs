// The child side of a bench child process, in plain JavaScript so that Tollgate's child can run without
// tsx (as `npm start` runs it) while the other children, in TypeScript, use it too. Protocol: child-ipc.ts.

/** Answers stats requests and exits on request, after `cleanup`; reports `url` as ready. */
export function serveChild(url, cleanup = async () => {}, extra = () => ({})) {
  process.on("message", (message) => {
    if (message.type === "stats") {
      const cpu = process.cpuUsage();
      const memory = process.memoryUsage();
      const stats = {
        cpuMicros: cpu.user + cpu.system,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        externalBytes: memory.external,
        extra: extra(),
      };
      process.send?.({ type: "stats", stats });
    } else if (message.type === "exit") {
      cleanup().finally(() => process.exit(0));
    }
  });
  // The parent dying (Ctrl-C) must not leave servers behind.
  process.on("disconnect", () => process.exit(0));
  process.send?.({ type: "ready", url });
}

/** Reports a start-up failure to the parent and exits. */
export function failChild(err) {
  process.send?.({ type: "error", message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}

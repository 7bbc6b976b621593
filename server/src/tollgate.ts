/** Tollgate as a library: what `main.ts` runs, for tools that start it in-process (the bench's child). */
export { ConfigError, loadConfig, type Config } from "./config.ts";
export { startTollgate, type Tollgate } from "./server.ts";

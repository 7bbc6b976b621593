// The estimator worker's first module. Node 20 does not apply tsx's `--import` hooks to worker threads, so
// this plain-JS file registers tsx's in-thread require hook (no hooks thread of its own, unlike the ESM
// loader) and then loads the TypeScript entry named in workerData. Modules loaded this way are compiled to
// CommonJS: no top-level await in them.
import { createRequire } from "node:module";
import { workerData } from "node:worker_threads";
import { register } from "tsx/cjs/api";

register();
createRequire(import.meta.url)(workerData.entry);

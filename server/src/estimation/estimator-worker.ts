import { parentPort } from "node:worker_threads";
import { answer, type ToWorker } from "./estimator-protocol.ts";

/**
 * The estimator's worker thread: counts tokens off the event loop. Messages are answered one at a time, in
 * order; the tokenizer's encoders load here, at the first estimate or on preload, never in the main thread.
 */
parentPort?.on("message", (message: ToWorker) => {
  parentPort?.postMessage(answer(message));
});

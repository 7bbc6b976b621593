import { BroadcastChannel, parentPort } from "node:worker_threads";
import { answer, type ToWorker } from "../../server/src/estimation/estimator-protocol.ts";
import { ESTIMATOR_GATE, type GateCommand } from "./estimator-gate.ts";

/**
 * A token-estimator worker a test controls (see estimator-gate.ts): it holds every estimate back until a
 * test posts "release", and exits — a crash, as the estimator sees it — on "crash".
 */
const held: ToWorker[] = [];
let open = false;
const channel = new BroadcastChannel(ESTIMATOR_GATE);
channel.onmessage = (event: unknown) => {
  const command = (event as { data: unknown }).data as GateCommand;
  if (command === "release") {
    open = true;
    for (const message of held.splice(0)) parentPort?.postMessage(answer(message));
  } else if (command === "crash") {
    process.exit(7); // in a worker thread this ends the thread only
  }
};
parentPort?.on("message", (message: ToWorker) => {
  if (open || message.type === "preload") {
    parentPort?.postMessage(answer(message));
    return;
  }
  held.push(message);
  channel.postMessage({ held: held.length });
});

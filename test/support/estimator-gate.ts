import { BroadcastChannel } from "node:worker_threads";

/**
 * The channel between tests and the gated token-estimator worker (gated-estimator-worker.ts): the worker
 * announces how many estimates it holds; tests release them or make the worker crash. No timing involved.
 */
export const ESTIMATOR_GATE = "tollgate-test-estimator-gate";
export const GATED_ESTIMATOR_WORKER = new URL("./gated-estimator-worker.ts", import.meta.url);

export type GateCommand = "release" | "crash";

export function gate(command: GateCommand): void {
  const channel = new BroadcastChannel(ESTIMATOR_GATE);
  channel.postMessage(command);
  channel.close();
}

/**
 * Resolves once a gated worker holds `count` estimates. Call it before the estimates are asked for: the
 * worker's announcement is not kept for a late listener.
 */
export function whenHeld(count: number): Promise<void> {
  const channel = new BroadcastChannel(ESTIMATOR_GATE);
  return new Promise((resolve) => {
    channel.onmessage = (event: unknown) => {
      const data = (event as { data: unknown }).data as { held?: number };
      if ((data.held ?? 0) >= count) {
        channel.close();
        resolve();
      }
    };
  });
}

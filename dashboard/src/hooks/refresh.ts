// What makes data hooks fetch again: the auto-refresh tick and a successful sign-in.
import { createContext, useContext } from "react";

export interface RefreshState {
  /** increases on every auto-refresh and manual refresh */
  tick: number;
  /** increases after every successful sign-in, so requests that got 401 are retried */
  authEpoch: number;
  /** the time presets ("last 24 hours") are measured back from */
  now: number;
}

export const RefreshContext = createContext<RefreshState>({ tick: 0, authEpoch: 0, now: Date.now() });

export function useRefresh(): RefreshState {
  return useContext(RefreshContext);
}

// Fetches one API path and refetches when the path, the refresh tick or the sign-in changes. While a
// refresh is in flight — or the same question is asked over a moved time window — the previous answer
// stays on screen (no flashing every 30 seconds); a different question starts empty.
import { useCallback, useEffect, useState } from "react";
import { apiGet } from "../api.ts";
import { sameQueryShape } from "../lib/query-shape.ts";
import { useRefresh } from "./refresh.ts";

export interface ApiState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** fetches again now (e.g. after a change) */
  reload: () => void;
}

interface Held<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** the path `data` answers */
  path: string | null;
}

export function useApi<T>(path: string | null): ApiState<T> {
  const { tick, authEpoch } = useRefresh();
  const [nonce, setNonce] = useState(0);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const [held, setHeld] = useState<Held<T>>({ data: undefined, error: undefined, loading: path !== null, path: null });

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setHeld((h) => ({ ...h, loading: true }));
    apiGet<T>(path, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setHeld({ data, error: undefined, loading: false, path });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const err = error instanceof Error ? error : new Error(String(error));
        setHeld((h) =>
          sameQueryShape(h.path, path) ? { ...h, error: err, loading: false } : { data: undefined, error: err, loading: false, path },
        );
      },
    );
    return () => controller.abort();
  }, [path, tick, authEpoch, nonce]);

  if (held.path === path || sameQueryShape(held.path, path)) {
    return { data: held.data, error: held.error, loading: held.loading || held.path !== path, reload };
  }
  return { data: undefined, error: undefined, loading: path !== null, reload };
}

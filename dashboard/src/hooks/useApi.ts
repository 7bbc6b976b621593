// Fetches one API path and refetches when the path, the refresh tick or the sign-in changes. While a
// refresh is in flight the previous data stays on screen (no flashing every 30 seconds).
import { useCallback, useEffect, useState } from "react";
import { apiGet } from "../api.ts";
import { useRefresh } from "./refresh.ts";

export interface ApiState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  /** fetches again now (e.g. after a change) */
  reload: () => void;
}

export function useApi<T>(path: string | null): ApiState<T> {
  const { tick, authEpoch } = useRefresh();
  const [nonce, setNonce] = useState(0);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const [state, setState] = useState<Omit<ApiState<T>, "reload"> & { path: string | null }>({
    data: undefined, error: undefined, loading: path !== null, path,
  });

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    // keep data only when refreshing the same path; a new path starts empty
    setState((s) => ({ data: s.path === path ? s.data : undefined, error: undefined, loading: true, path }));
    apiGet<T>(path, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: undefined, loading: false, path });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState((s) => ({ data: s.path === path ? s.data : undefined, error: error instanceof Error ? error : new Error(String(error)), loading: false, path }));
      },
    );
    return () => controller.abort();
  }, [path, tick, authEpoch, nonce]);

  if (state.path !== path) return { data: undefined, error: undefined, loading: path !== null, reload };
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

// Loading, error and empty states around anything that shows fetched data.
import type { ReactElement, ReactNode } from "react";
import { ApiError } from "../api.ts";
import type { ApiState } from "../hooks/useApi.ts";

export function Loading(props: { label?: string }): ReactElement {
  return (
    <div className="state state-loading" data-testid="loading" role="status">
      {props.label ?? "Loading…"}
    </div>
  );
}

export function ErrorState(props: { error: Error }): ReactElement {
  const e = props.error;
  const text =
    e instanceof ApiError && e.status === 401
      ? "Sign in to see this."
      : e instanceof ApiError
        ? `The API answered ${e.status} (${e.type}): ${e.message}`
        : `Could not reach the API: ${e.message}`;
  return (
    <div className="state state-error" data-testid="error" role="alert">
      {text}
    </div>
  );
}

export function Empty(props: { children: ReactNode }): ReactElement {
  return (
    <div className="state state-empty" data-testid="empty">
      {props.children}
    </div>
  );
}

/** Renders `children(data)` once data is there; otherwise the loading or error state. */
export function DataView<T>(props: {
  state: ApiState<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}): ReactElement {
  const { data, error, loading } = props.state;
  if (data === undefined) {
    if (error) return <ErrorState error={error} />;
    return <Loading />;
  }
  return (
    <>
      {error ? <ErrorState error={error} /> : null}
      {loading ? <span className="refreshing" aria-hidden="true" /> : null}
      {props.isEmpty?.(data) ? <Empty>{props.empty ?? "Nothing in this range."}</Empty> : props.children(data)}
    </>
  );
}

// Auto-refresh on/off, a manual refresh, and when the data was last asked for.
import type { ReactElement } from "react";

export function RefreshControl(props: {
  auto: boolean;
  onToggle: (auto: boolean) => void;
  onRefresh: () => void;
  lastRefresh: number;
  seconds: number;
}): ReactElement {
  const t = new Date(props.lastRefresh).toISOString().slice(11, 19);
  return (
    <div className="refresh-control">
      <label title={`Reload every ${props.seconds} seconds`}>
        <input type="checkbox" checked={props.auto} data-testid="auto-refresh" onChange={(e) => props.onToggle(e.target.checked)} />
        Auto-refresh {props.seconds}s
      </label>
      <button type="button" className="link-button" data-testid="refresh-now" onClick={props.onRefresh}>
        Refresh
      </button>
      <span className="muted" data-testid="last-refresh">
        as of {t} UTC
      </span>
    </div>
  );
}

import type { ReactElement } from "react";
import type { ReportsSourceState } from "../api/types.ts";
import { useApi } from "../hooks/useApi.ts";
import { useRefresh } from "../hooks/refresh.ts";
import { reportsSourceNotice } from "../lib/reports-source.ts";

/** A banner above every page while the figures come from a lagging or unreachable read replica. */
export function ReportsSourceNotice(): ReactElement | null {
  const { data } = useApi<ReportsSourceState>("/api/reports/source");
  const { now } = useRefresh();
  const notice = reportsSourceNotice(data, now);
  if (!notice) return null;
  return (
    <div className={`banner banner-${notice.tone}`} role="status" data-testid="reports-source">
      {notice.text}
    </div>
  );
}

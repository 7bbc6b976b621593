// One session: its totals and the waterfall of its calls in the order they started.
import type { ReactElement } from "react";
import { sessionPath, type SessionDetail } from "../api.ts";
import { DataView } from "../components/DataView.tsx";
import { Kpi, KpiRow } from "../components/Kpi.tsx";
import { Panel } from "../components/Panel.tsx";
import { Waterfall } from "../components/Waterfall.tsx";
import { useApi } from "../hooks/useApi.ts";
import { formatCount, formatDateTime, formatMs } from "../lib/format.ts";
import { CALL_DIGITS, formatUsd } from "../lib/money.ts";
import { pageHref } from "../lib/url-state.ts";
import type { PageProps } from "./types.ts";
import { moneyTitle } from "../components/Money.tsx";

export function SessionDetailPage({ view, id }: PageProps & { id: string }): ReactElement {
  const state = useApi<SessionDetail>(sessionPath(id));
  return (
    <div className="page" data-testid="session-detail">
      <p className="breadcrumbs">
        <a href={pageHref("sessions", view)} data-testid="back-to-sessions">
          ← Sessions
        </a>
      </p>
      <DataView state={state}>
        {({ session: s, calls }) => (
          <>
            <div className="page-title">
              <h1>
                Session <span className="mono">{s.id}</span>
              </h1>
              <span className="muted">{s.apps.join(", ")}</span>
            </div>
            <KpiRow>
              <Kpi label="Cost" value={formatUsd(s.costUsd, CALL_DIGITS)} hint={moneyTitle(s.costUsd, CALL_DIGITS)} testId="session-cost" />
              <Kpi label="Calls" value={formatCount(s.calls)} testId="session-calls" />
              <Kpi label="Errors" value={formatCount(s.errors)} tone={s.errors > 0 ? "bad" : undefined} testId="session-errors" />
              <Kpi label="Duration" value={formatMs(s.durationMs)} testId="session-duration" />
              <Kpi label="Started" value={formatDateTime(s.firstCallAt)} compact />
            </KpiRow>
            <Panel
              title="Calls"
              testId="session-waterfall"
              note="Bars: each call from its start to its end; the darker part is the time to the first token."
            >
              <Waterfall calls={calls} view={view} />
            </Panel>
          </>
        )}
      </DataView>
    </div>
  );
}

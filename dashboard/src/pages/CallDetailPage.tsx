// One call: what happened (outcome, error body), what it used (tokens by kind), what it cost and the
// price row used, and every recorded field.
import type { ReactElement } from "react";
import { callPath, sessionPath, type CallDetail, type SessionDetail } from "../api.ts";
import { ConversationView } from "../components/ConversationView.tsx";
import { Waterfall } from "../components/Waterfall.tsx";
import { DataView } from "../components/DataView.tsx";
import { Kpi, KpiRow } from "../components/Kpi.tsx";
import { Panel } from "../components/Panel.tsx";
import { useApi } from "../hooks/useApi.ts";
import { formatBytes, formatCount, formatDateTime, formatMs } from "../lib/format.ts";
import { CALL_DIGITS, formatUsd, formatUsdExact } from "../lib/money.ts";
import { pageHref, patchView, routeHash, type ViewState } from "../lib/url-state.ts";
import { CallFields, prettyBody } from "./CallFields.tsx";
import { OutcomeBadge } from "./FailureTables.tsx";
import { PriceRow } from "./PriceRow.tsx";
import type { PageProps } from "./types.ts";
import { moneyTitle } from "../components/Money.tsx";

/** The other calls of the call's session (or trace), on one time axis. */
function SessionPanel(props: { sessionId: string; callId: string; view: ViewState }): ReactElement {
  const state = useApi<SessionDetail>(sessionPath(props.sessionId));
  return (
    <Panel
      title="Session"
      testId="call-session"
      actions={
        <a href={routeHash("session", props.view, props.sessionId)} data-testid="open-session">
          {props.sessionId} →
        </a>
      }
    >
      <DataView state={state}>{(s) => <Waterfall calls={s.calls} view={props.view} current={props.callId} />}</DataView>
    </Panel>
  );
}

/** What a call's ttftMs measured: the first token of an answer, or the first byte of an error reply. */
export function ttftLabel(outcome: string): string {
  return outcome === "ok" || outcome === "client_cancelled" ? "Time to first token" : "Time to first byte (error reply)";
}

export function CallDetailPage({ view, id }: PageProps & { id: string }): ReactElement {
  const state = useApi<CallDetail>(callPath(id));
  return (
    <div className="page" data-testid="call-detail">
      <p className="breadcrumbs">
        <a href={pageHref("calls", view)} data-testid="back-to-calls">
          ← Calls
        </a>
      </p>
      <DataView state={state}>
        {(c) => (
          <>
            <div className="page-title">
              <h1>
                {c.provider} · {c.model ?? c.endpoint} <OutcomeBadge outcome={c.outcome} />
              </h1>
              <span className="muted mono" data-testid="call-id">
                {c.id}
              </span>
            </div>
            <KpiRow>
              <Kpi
                label="Cost"
                value={c.priced ? formatUsd(c.costUsd, CALL_DIGITS) : "unpriced"}
                hint={moneyTitle(c.costUsd, CALL_DIGITS)}
                tone={c.priced ? undefined : "warn"}
                testId="call-cost"
              />
              <Kpi label="Status" value={String(c.status)} tone={c.outcome === "ok" ? undefined : "bad"} testId="call-status" />
              <Kpi label="Latency" value={formatMs(c.latencyMs)} testId="call-latency" />
              {c.ttftMs !== null ? (
                // an error reply carries no tokens: what was timed is its first byte (rows recorded before the
                // server stopped timing error replies still hold it)
                <Kpi label={ttftLabel(c.outcome)} value={formatMs(c.ttftMs)} testId="call-ttft" />
              ) : null}
              {c.finishReasons && c.finishReasons.length > 0 ? (
                <Kpi label="Finish reason" value={c.finishReasons.join(", ")} compact testId="call-finish-reasons" />
              ) : null}
              <Kpi label="Started" value={formatDateTime(c.startedAt)} compact />
            </KpiRow>
            {c.outcome !== "ok" || c.errorBody || c.errorType ? (
              <Panel title="Error" testId="call-error">
                <p>
                  <code data-testid="error-type">{c.errorType ?? c.outcome}</code>
                  {c.errorMessage ? (
                    <>
                      {" "}
                      — <span data-testid="error-message">{c.errorMessage}</span>
                    </>
                  ) : null}
                </p>
                {c.errorBody ? (
                  <pre className="code-block" data-testid="error-body">
                    {prettyBody(c.errorBody)}
                  </pre>
                ) : (
                  <p className="muted" data-testid="error-body-missing">
                    No error body was recorded for this call.
                  </p>
                )}
                {c.upstreamRequestId ? (
                  <p className="muted">
                    Provider request id: <code>{c.upstreamRequestId}</code>
                  </p>
                ) : null}
                <p>
                  <a
                    href={pageHref(
                      "calls",
                      patchView(view, { filters: { provider: c.provider, app: null, model: null, outcome: c.outcome } }),
                    )}
                  >
                    Other {c.outcome} calls from {c.provider} →
                  </a>
                </p>
              </Panel>
            ) : null}
            {c.sessionId ? <SessionPanel sessionId={c.sessionId} callId={c.id} view={view} /> : null}
            {c.requestBody || c.responseBody ? (
              <Panel title="Conversation" testId="call-bodies">
                <ConversationView call={c} />
              </Panel>
            ) : null}
            <div className="grid-2">
              <Panel title="Tokens" testId="call-tokens">
                <table className="table">
                  <tbody>
                    <tr>
                      <th>Input (all billed)</th>
                      <td className="num" data-testid="tokens-input">
                        {formatCount(c.inputTokens)}
                      </td>
                    </tr>
                    <tr>
                      <th className="indent">of which cached reads</th>
                      <td className="num" data-testid="tokens-cached">
                        {formatCount(c.cachedInputTokens)}
                      </td>
                    </tr>
                    <tr>
                      <th className="indent">of which cache writes</th>
                      <td className="num">{formatCount(c.cacheWriteTokens)}</td>
                    </tr>
                    <tr>
                      <th>Output (all billed)</th>
                      <td className="num" data-testid="tokens-output">
                        {formatCount(c.outputTokens)}
                      </td>
                    </tr>
                    <tr>
                      <th className="indent">of which reasoning</th>
                      <td className="num">{formatCount(c.reasoningTokens)}</td>
                    </tr>
                    <tr>
                      <th>Usage source</th>
                      <td className="num">{c.usageSource}</td>
                    </tr>
                    <tr>
                      <th>Request / response size</th>
                      <td className="num">
                        {formatBytes(c.requestBytes)} / {formatBytes(c.responseBytes)}
                      </td>
                    </tr>
                  </tbody>
                </table>
              </Panel>
              <Panel title="Cost and price used" testId="call-price">
                <p>
                  Cost: <strong data-testid="call-cost-exact">{formatUsdExact(c.costUsd)}</strong>
                  {c.priced ? null : <span className="tag tag-warn">no price matched</span>}
                </p>
                {c.price ? (
                  <PriceRow price={c.price} />
                ) : c.priced ? null : (
                  <p className="muted">
                    No price row was used. <a href={pageHref("prices", view)}>Add a price →</a>
                  </p>
                )}
              </Panel>
            </div>
            <Panel title="All fields" testId="call-fields">
              <CallFields call={c} />
            </Panel>
          </>
        )}
      </DataView>
    </div>
  );
}

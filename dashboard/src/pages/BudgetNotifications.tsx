// Budget notifications: the webhooks notices go to (URLs by origin only), each notice with its delivery
// state, and every delivery attempt with its answer — so a failing webhook shows here, not only in logs.
import type { ReactElement } from "react";
import type { BudgetNotice, BudgetNoticesResponse, BudgetWebhooksResponse } from "../api.ts";
import { DataView } from "../components/DataView.tsx";
import { Panel } from "../components/Panel.tsx";
import { useApi } from "../hooks/useApi.ts";
import { formatDateTime } from "../lib/format.ts";
import { Money } from "../components/Money.tsx";

/** "80" → "80% reached", "forecast" → "forecast over the limit". */
export function noticeLabel(kind: string): string {
  return kind === "forecast" ? "forecast over the limit" : `${kind}% reached`;
}

function deliveryText(n: BudgetNotice): string {
  if (n.deliveries.length === 0) return "no webhook";
  return n.deliveries.map((d) => `${d.webhook}: ${d.status}${d.attempts > 1 ? ` (${d.attempts} attempts)` : ""}`).join(", ");
}

export function BudgetNotifications(): ReactElement {
  const webhooks = useApi<BudgetWebhooksResponse>("/api/budget-webhooks");
  const notices = useApi<BudgetNoticesResponse>("/api/budget-notices?limit=100");
  return (
    <Panel
      title="Notifications"
      testId="budget-notifications"
      note="At 50, 80 and 100% of a limit, and when the forecast passes it, each webhook gets one POST per budget and period (retried with backoff). Set webhooks in TOLLGATE_CONFIG or with PUT /api/budget-webhooks/:name."
    >
      <DataView state={webhooks} isEmpty={(d) => d.webhooks.length === 0} empty="No webhooks: notices are recorded and logged only.">
        {(d) => (
          <p data-testid="budget-webhooks">
            Webhooks:{" "}
            {d.webhooks.map((w) => (
              <span key={w.name} className="mono" data-testid="budget-webhook">
                {w.name} → {w.url} ({w.format}){" "}
              </span>
            ))}
          </p>
        )}
      </DataView>
      <DataView state={notices} isEmpty={(d) => d.notices.length === 0} empty="No budget has crossed a threshold yet.">
        {(d) => (
          <>
            <table className="table" data-testid="budget-notices">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Budget</th>
                  <th>Period</th>
                  <th>Notice</th>
                  <th className="num">Spent</th>
                  <th className="num">Limit</th>
                  <th>Delivery</th>
                </tr>
              </thead>
              <tbody>
                {d.notices.map((n) => (
                  <tr key={`${n.budgetId}|${n.period}|${n.kind}`} data-testid="budget-notice-row">
                    <td className="nowrap">{formatDateTime(n.createdAt)}</td>
                    <td>{n.budgetId}</td>
                    <td className="mono">{n.period}</td>
                    <td data-testid="budget-notice-kind">{noticeLabel(n.kind)}</td>
                    <td className="num">
                      <Money value={n.spentUsd} />
                    </td>
                    <td className="num">
                      <Money value={n.limitUsd} />
                    </td>
                    <td data-testid="budget-notice-delivery">{deliveryText(n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>Delivery attempts</h3>
            <table className="table" data-testid="budget-notice-attempts">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Webhook</th>
                  <th>Budget</th>
                  <th>Notice</th>
                  <th className="num">Attempt</th>
                  <th>Result</th>
                  <th className="num">Took</th>
                </tr>
              </thead>
              <tbody>
                {d.attempts.map((x) => (
                  <tr key={x.id} data-testid="budget-attempt-row" className={x.error ? "level-over" : undefined}>
                    <td className="nowrap">{formatDateTime(x.at)}</td>
                    <td>{x.webhook}</td>
                    <td>
                      {x.budgetId} <span className="muted">{x.period}</span>
                    </td>
                    <td>{noticeLabel(x.kind)}</td>
                    <td className="num">{x.attempt}</td>
                    <td data-testid="budget-attempt-result">
                      {x.error
                        ? x.statusCode === null
                          ? `failed: ${x.error}`
                          : `HTTP ${x.statusCode}`
                        : `HTTP ${x.statusCode ?? ""} delivered`}
                    </td>
                    <td className="num">{x.durationMs} ms</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </DataView>
    </Panel>
  );
}

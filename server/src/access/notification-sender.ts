import type pg from "pg";
import type { Logger } from "../lib/logger.ts";
import { canonicalDecimal } from "../lib/decimal.ts";
import type { WebhookFormat } from "./budget-webhooks.ts";

/** A delivery gives up after this many attempts (with the default base: about 5 s, 10 s, 20 s … then every 160 s). */
export const MAX_ATTEMPTS = 8;
/** Deliveries claimed per poll: the loop is bounded whatever the backlog. */
const BATCH = 10;
/** How long a claim lasts: past it another replica may take the delivery (this one died mid-send). */
const CLAIM_MS = 60_000;
const TIMEOUT_MS = 10_000;
const EVERY: Record<string, string> = { month: "monthly", week: "weekly", day: "daily" };

interface Due {
  budget_id: string;
  period: string;
  kind: string;
  webhook: string;
  attempts: number;
  url: string;
  format: WebhookFormat;
  app: string;
  key_id: string | null;
  budget_period: string;
  action: string;
  limit_usd: string;
  spent_usd: string;
  forecast_usd: string | null;
  created_at: Date;
}

/** The JSON POSTed for a notice (docs/api.md, "Budget notifications"). */
export function noticePayload(d: Omit<Due, "attempts" | "url" | "format" | "webhook">): Record<string, unknown> {
  const threshold = d.kind === "forecast" ? null : Number(d.kind);
  const limit = canonicalDecimal(d.limit_usd);
  const spent = canonicalDecimal(d.spent_usd);
  const forecast = d.forecast_usd === null ? null : canonicalDecimal(d.forecast_usd);
  const who = d.key_id ? `virtual key ${d.key_id} of app "${d.app}"` : `app "${d.app}"`;
  const text =
    d.kind === "forecast"
      ? `Tollgate budget ${d.budget_id} (${who}) is forecast to spend $${forecast} this ${d.budget_period} (${d.period}), over its $${limit} limit; $${spent} spent so far.`
      : `Tollgate budget ${d.budget_id} (${who}) has spent $${spent} of its $${limit} ${EVERY[d.budget_period] ?? d.budget_period} limit in ${d.period}: ${threshold}% reached${d.kind === "100" ? (d.action === "block" ? "; further calls are blocked" : " (alert only)") : ""}.`;
  return {
    type: d.kind === "forecast" ? "budget.forecast_exceeds" : "budget.threshold",
    budget: { id: d.budget_id, app: d.app, keyId: d.key_id, period: d.budget_period, action: d.action, limitUsd: limit },
    period: d.period,
    kind: d.kind,
    thresholdPercent: threshold,
    spentUsd: spent,
    forecastUsd: forecast,
    at: d.created_at.toISOString(),
    text,
  };
}

export interface NotificationSenderDeps {
  pool: pg.Pool;
  logger: Logger;
  /** the first retry's delay; attempt n waits base × 2^(n−1), capped at 32 × base */
  retryBaseMs: number;
  fetch?: typeof fetch;
}

/**
 * Delivers budget notices from the outbox (budget_notice_deliveries), off the proxy's path: each poll claims
 * at most BATCH due deliveries (FOR UPDATE SKIP LOCKED, so replicas never take the same one), POSTs them,
 * records every attempt (budget_notice_attempts) and marks the delivery delivered (2xx), due again later
 * (backoff) or failed after MAX_ATTEMPTS.
 */
export class NotificationSender {
  private running: Promise<number> | null = null;

  constructor(private readonly deps: NotificationSenderDeps) {}

  /** One poll (none when one is still running); resolves to the number of attempts made. */
  poll(): Promise<number> {
    this.running ??= this.deliverDue().finally(() => (this.running = null));
    return this.running;
  }

  async drain(): Promise<void> {
    await this.running?.catch(() => {});
  }

  private async deliverDue(): Promise<number> {
    const { rows } = await this.deps.pool.query<Due>(
      `WITH due AS (
         SELECT budget_id, period, kind, webhook FROM budget_notice_deliveries
          WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
          ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE budget_notice_deliveries d SET locked_until = now() + make_interval(secs => $2::double precision / 1000)
           FROM due WHERE (d.budget_id, d.period, d.kind, d.webhook) = (due.budget_id, due.period, due.kind, due.webhook)
         RETURNING d.*)
       SELECT c.budget_id, c.period, c.kind, c.webhook, c.attempts, w.url, w.format, n.app, b.key_id, b.period AS budget_period,
              b.action, n.limit_usd::text AS limit_usd, n.spent_usd::text AS spent_usd, n.forecast_usd::text AS forecast_usd, n.created_at
         FROM claimed c
         JOIN budget_webhooks w ON w.name = c.webhook
         JOIN budget_notices n ON (n.budget_id, n.period, n.kind) = (c.budget_id, c.period, c.kind)
         JOIN budgets b ON b.id = c.budget_id`,
      [BATCH, CLAIM_MS],
    );
    await Promise.all(rows.map((d) => this.deliver(d)));
    return rows.length;
  }

  private async deliver(d: Due): Promise<void> {
    const payload = noticePayload(d);
    const body = JSON.stringify(d.format === "slack" ? { text: payload.text } : payload);
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await (this.deps.fetch ?? fetch)(d.url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "tollgate-budget-notices" },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = res.status;
      await res.body?.cancel().catch(() => {});
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (err) {
      error = (err as Error).message.slice(0, 500);
    }
    const attempt = d.attempts + 1;
    const delivered = error === null;
    const gaveUp = !delivered && attempt >= MAX_ATTEMPTS;
    const delayMs = this.deps.retryBaseMs * 2 ** Math.min(attempt - 1, 5);
    const durationMs = performance.now() - started;
    await this.deps.pool.query(
      `WITH attempt AS (
         INSERT INTO budget_notice_attempts (budget_id, period, kind, webhook, attempt, status_code, error, duration_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8))
       UPDATE budget_notice_deliveries SET attempts = $5, locked_until = NULL, status = $9,
              delivered_at = CASE WHEN $9 = 'delivered' THEN now() END,
              next_attempt_at = now() + make_interval(secs => $10::double precision / 1000)
        WHERE (budget_id, period, kind, webhook) = ($1, $2, $3, $4)`,
      [
        d.budget_id,
        d.period,
        d.kind,
        d.webhook,
        attempt,
        status,
        error,
        durationMs,
        delivered ? "delivered" : gaveUp ? "failed" : "pending",
        delayMs,
      ],
    );
    const fields = { budget: d.budget_id, period: d.period, kind: d.kind, webhook: d.webhook, attempt, status };
    if (delivered) this.deps.logger.info(fields, "budget notice delivered");
    else if (gaveUp) this.deps.logger.error({ ...fields, err: error }, "budget notice not delivered; giving up");
    else this.deps.logger.warn({ ...fields, err: error, retryInMs: delayMs }, "budget notice delivery failed; will retry");
  }
}

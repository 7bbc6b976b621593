import { Router } from "express";
import type pg from "pg";
import { TollgateError } from "../errors.ts";
import { deleteWebhook, listWebhooks, redactedUrl, upsertWebhook, webhookSchema } from "../access/budget-webhooks.ts";
import { canonicalDecimal } from "../lib/decimal.ts";

interface NoticeRow {
  budget_id: string;
  app: string;
  period: string;
  kind: string;
  limit_usd: string;
  spent_usd: string;
  forecast_usd: string | null;
  created_at: Date;
  deliveries: Array<{ webhook: string; status: string; attempts: number; delivered_at: string | null; next_attempt_at: string }> | null;
}

interface AttemptRow {
  id: string;
  budget_id: string;
  period: string;
  kind: string;
  webhook: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  at: Date;
}

/**
 * GET/PUT/DELETE /budget-webhooks[/:name] (URLs shown by origin only: incoming-webhook URLs hold a secret),
 * GET /budget-notices: the latest notices with their deliveries, and the latest delivery attempts.
 */
export function budgetNotificationsRouter(pool: pg.Pool): Router {
  const router = Router();

  router.get("/budget-webhooks", async (_req, res) => {
    res.json({ webhooks: (await listWebhooks(pool)).map((w) => ({ name: w.name, url: redactedUrl(w.url), format: w.format })) });
  });

  router.put("/budget-webhooks/:name", async (req, res) => {
    const parsed = webhookSchema.safeParse({ ...(req.body ?? {}), name: req.params.name });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TollgateError("invalid_request", `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
    }
    await upsertWebhook(pool, parsed.data);
    res.json({ name: parsed.data.name, url: redactedUrl(parsed.data.url), format: parsed.data.format });
  });

  router.delete("/budget-webhooks/:name", async (req, res) => {
    if (!(await deleteWebhook(pool, req.params.name))) throw new TollgateError("not_found", `no webhook "${req.params.name}"`);
    res.status(204).end();
  });

  router.get("/budget-notices", async (req, res) => {
    const limit = Math.min(500, Math.max(1, Number(req.query.limit) || 100));
    const [notices, attempts] = await Promise.all([
      pool.query<NoticeRow>(
        `SELECT n.budget_id, n.app, n.period, n.kind, n.limit_usd::text AS limit_usd, n.spent_usd::text AS spent_usd,
                n.forecast_usd::text AS forecast_usd, n.created_at,
                (SELECT json_agg(json_build_object('webhook', d.webhook, 'status', d.status, 'attempts', d.attempts,
                                 'delivered_at', d.delivered_at, 'next_attempt_at', d.next_attempt_at) ORDER BY d.webhook)
                   FROM budget_notice_deliveries d WHERE (d.budget_id, d.period, d.kind) = (n.budget_id, n.period, n.kind)) AS deliveries
           FROM budget_notices n ORDER BY n.created_at DESC, n.budget_id, n.kind LIMIT $1`,
        [limit],
      ),
      pool.query<AttemptRow>(
        `SELECT id::text, budget_id, period, kind, webhook, attempt, status_code, error, duration_ms, at
           FROM budget_notice_attempts ORDER BY at DESC, id DESC LIMIT $1`,
        [limit],
      ),
    ]);
    res.json({
      notices: notices.rows.map((n) => ({
        budgetId: n.budget_id,
        app: n.app,
        period: n.period,
        kind: n.kind,
        limitUsd: canonicalDecimal(n.limit_usd),
        spentUsd: canonicalDecimal(n.spent_usd),
        forecastUsd: n.forecast_usd === null ? null : canonicalDecimal(n.forecast_usd),
        createdAt: n.created_at.toISOString(),
        deliveries: (n.deliveries ?? []).map((d) => ({ webhook: d.webhook, status: d.status, attempts: d.attempts, deliveredAt: d.delivered_at, nextAttemptAt: d.next_attempt_at })),
      })),
      attempts: attempts.rows.map((a) => ({
        id: a.id,
        budgetId: a.budget_id,
        period: a.period,
        kind: a.kind,
        webhook: a.webhook,
        attempt: a.attempt,
        statusCode: a.status_code,
        error: a.error,
        durationMs: Math.round(a.duration_ms),
        at: a.at.toISOString(),
      })),
    });
  });

  return router;
}

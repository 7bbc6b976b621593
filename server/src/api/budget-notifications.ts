import { Router } from "express";
import type pg from "pg";
import type { PrismaClient } from "../db/client.ts";
import { TollgateError } from "../lib/errors.ts";
import { deleteWebhook, listWebhooks, redactedUrl, upsertWebhook, webhookSchema } from "../access/budget-webhooks.ts";
import { canonicalDecimal } from "../lib/decimal.ts";
import { latestNotices } from "../access/budget-notice-log.ts";
import { parseOr400 } from "../lib/parse-or-400.ts";

/**
 * GET/PUT/DELETE /budget-webhooks[/:name] (URLs shown by origin only: incoming-webhook URLs hold a secret),
 * GET /budget-notices: the latest notices with their deliveries, and the latest delivery attempts.
 */
export function budgetNotificationsRouter(pool: pg.Pool, prisma: PrismaClient): Router {
  const router = Router();

  router.get("/budget-webhooks", async (_req, res) => {
    res.json({ webhooks: (await listWebhooks(pool)).map((w) => ({ name: w.name, url: redactedUrl(w.url), format: w.format })) });
  });

  router.put("/budget-webhooks/:name", async (req, res) => {
    const parsed = parseOr400(webhookSchema, { ...(req.body ?? {}), name: req.params.name });
    await upsertWebhook(pool, parsed);
    res.json({ name: parsed.name, url: redactedUrl(parsed.url), format: parsed.format });
  });

  router.delete("/budget-webhooks/:name", async (req, res) => {
    if (!(await deleteWebhook(pool, req.params.name))) throw new TollgateError("not_found", `no webhook "${req.params.name}"`);
    res.status(204).end();
  });

  router.get("/budget-notices", async (req, res) => {
    const limit = Math.min(500, Math.max(1, Number(req.query.limit) || 100));
    const { notices, attempts } = await latestNotices(prisma, limit);
    res.json({
      notices: notices.map((n) => ({
        budgetId: n.budget_id,
        app: n.app,
        period: n.period,
        kind: n.kind,
        limitUsd: canonicalDecimal(n.limit_usd),
        spentUsd: canonicalDecimal(n.spent_usd),
        forecastUsd: n.forecast_usd === null ? null : canonicalDecimal(n.forecast_usd),
        createdAt: n.created_at.toISOString(),
        deliveries: (n.deliveries ?? []).map((d) => ({
          webhook: d.webhook,
          status: d.status,
          attempts: d.attempts,
          deliveredAt: d.delivered_at,
          nextAttemptAt: d.next_attempt_at,
        })),
      })),
      attempts: attempts.map((a) => ({
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

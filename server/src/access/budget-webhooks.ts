import type pg from "pg";
import { z } from "zod";
import { ConfigError } from "../config.ts";

/** "json": Tollgate's notice JSON; "slack": `{text}` (Slack incoming webhooks, and whatever speaks their shape). */
export const WEBHOOK_FORMATS = ["json", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface BudgetWebhook {
  name: string;
  url: string;
  format: WebhookFormat;
}

export const webhookSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lower-case letters, digits, - and _ (at most 64)"),
  url: z.url({ protocol: /^https?$/ }),
  format: z.enum(WEBHOOK_FORMATS).default("json"),
});

/**
 * A webhook URL as shown in listings: its origin only. Incoming-webhook URLs carry their secret in the path
 * (Slack's do), so the path never leaves the server.
 */
export function redactedUrl(url: string): string {
  const u = new URL(url);
  return u.pathname.length > 1 || u.search ? `${u.origin}/…` : u.origin;
}

export async function listWebhooks(pool: pg.Pool): Promise<BudgetWebhook[]> {
  const { rows } = await pool.query<BudgetWebhook>(`SELECT name, url, format FROM budget_webhooks ORDER BY name`);
  return rows;
}

export async function upsertWebhook(pool: pg.Pool, w: BudgetWebhook): Promise<void> {
  await pool.query(
    `INSERT INTO budget_webhooks (name, url, format) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, format = EXCLUDED.format, updated_at = now()`,
    [w.name, w.url, w.format],
  );
}

export async function deleteWebhook(pool: pg.Pool, name: string): Promise<boolean> {
  return ((await pool.query(`DELETE FROM budget_webhooks WHERE name = $1`, [name])).rowCount ?? 0) > 0;
}

/** TOLLGATE_CONFIG `notifications.webhooks` are written at start-up (the file wins for the names it gives). */
export async function applyConfiguredWebhooks(pool: pg.Pool, raw: readonly Record<string, unknown>[]): Promise<number> {
  const parsed = z.array(webhookSchema).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`TOLLGATE_CONFIG: notifications.webhooks.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  for (const w of parsed.data) await upsertWebhook(pool, w);
  return parsed.data.length;
}

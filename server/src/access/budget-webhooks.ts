import type { PrismaClient } from "../db/client.ts";
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

export async function listWebhooks(prisma: PrismaClient): Promise<BudgetWebhook[]> {
  const rows = await prisma.budgetWebhook.findMany({ select: { name: true, url: true, format: true }, orderBy: { name: "asc" } });
  // the column holds only what webhookSchema accepted
  return rows.map((r) => ({ ...r, format: r.format as WebhookFormat }));
}

export async function upsertWebhook(prisma: PrismaClient, w: BudgetWebhook): Promise<void> {
  // one INSERT … ON CONFLICT (name) DO UPDATE (a native upsert: one unique field, same value in where and create)
  await prisma.budgetWebhook.upsert({
    where: { name: w.name },
    create: { name: w.name, url: w.url, format: w.format },
    update: { url: w.url, format: w.format, updatedAt: new Date() },
  });
}

export async function deleteWebhook(prisma: PrismaClient, name: string): Promise<boolean> {
  return (await prisma.budgetWebhook.deleteMany({ where: { name } })).count > 0;
}

/** TOLLGATE_CONFIG `notifications.webhooks` are written at start-up (the file wins for the names it gives). */
export async function applyConfiguredWebhooks(prisma: PrismaClient, raw: readonly Record<string, unknown>[]): Promise<number> {
  const parsed = z.array(webhookSchema).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`TOLLGATE_CONFIG: notifications.webhooks.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  for (const w of parsed.data) await upsertWebhook(prisma, w);
  return parsed.data.length;
}

import type { PrismaClient } from "../db/client.ts";

/** Who made a change: the kind of session, never a credential. */
export type Actor = "dashboard" | "api-token" | "open-api" | "cli";

export interface AuditInput {
  actor: Actor;
  action: string;
  subject: string;
  detail?: unknown;
}

export interface AuditJson {
  id: string;
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail: unknown;
}

/** Field names whose values may be credentials (a Slack webhook URL is one): kept out of the log. */
const SECRET_FIELD = /url|secret|token|password|authorization|signing|apikey|api_key/i;

/** A copy of a request body with every value under a secret-looking name replaced by "[redacted]". */
export function redactDetail(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactDetail(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    out[k] = SECRET_FIELD.test(k) ? "[redacted]" : redactDetail(v, depth + 1);
  return out;
}

export async function recordAudit(prisma: PrismaClient, entry: AuditInput): Promise<void> {
  await prisma.auditEntry.create({
    data: {
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject,
      detail: (redactDetail(entry.detail ?? null) ?? undefined) as never,
    },
  });
}

/** The newest entries first, `limit` of them, before the entry id `before` when given (paging). */
export async function listAudit(prisma: PrismaClient, options: { limit: number; before?: bigint }): Promise<AuditJson[]> {
  const rows = await prisma.auditEntry.findMany({
    where: options.before !== undefined ? { id: { lt: options.before } } : undefined,
    orderBy: { id: "desc" },
    take: options.limit,
  });
  return rows.map((r) => ({
    id: r.id.toString(),
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    detail: r.detail,
  }));
}

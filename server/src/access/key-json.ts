import { z } from "zod";
import { TollgateError } from "../lib/errors.ts";
import { KEY_SCOPES, keyScopes, type KeyScope } from "./key-scopes.ts";
import type { VirtualKeyInfo } from "./key-store.ts";
import { parseOr400 } from "../lib/parse-or-400.ts";

const createSchema = z.object({
  app: z.string().trim().min(1).max(200),
  provider: z.string().min(1).nullish(),
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
  /** wider scopes than the default inference + models (see docs/access.md) */
  endpoints: z
    .array(z.enum(KEY_SCOPES))
    .max(KEY_SCOPES.length * 2)
    .nullish(),
});

function keyStatus(k: VirtualKeyInfo, now: number): "active" | "revoked" | "expired" {
  if (k.revokedAt) return "revoked";
  if (k.expiresAt && k.expiresAt.getTime() <= now) return "expired";
  return "active";
}

/** A key as listings show it: the prefix, never the key or its hash. */
export function keyJson(k: VirtualKeyInfo, now: number) {
  return {
    id: k.id,
    app: k.app,
    provider: k.provider,
    prefix: k.prefix,
    endpoints: k.endpoints,
    status: keyStatus(k, now),
    createdAt: k.createdAt.toISOString(),
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  };
}

/** Validates a new key's fields (shared by the API and the CLI); throws a 400 naming the field. */
export function parseNewKey(
  body: unknown,
  providers: ReadonlySet<string>,
  now: number,
): { app: string; provider: string | null; expiresAt: Date | null; endpoints: KeyScope[] } {
  const { app, provider, expiresAt, endpoints } = parseOr400(createSchema, body ?? {});
  if (provider && !providers.has(provider))
    throw new TollgateError("invalid_request", `provider: unknown provider "${provider}"; known: ${[...providers].join(", ")}`);
  const expiry = expiresAt ? new Date(expiresAt) : null;
  if (expiry && expiry.getTime() <= now) throw new TollgateError("invalid_request", "expiresAt: must be in the future");
  return { app, provider: provider ?? null, expiresAt: expiry, endpoints: keyScopes(endpoints) };
}

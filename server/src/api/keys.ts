import { Router } from "express";
import type { PrismaClient } from "../db/client.ts";
import { z } from "zod";
import { TollgateError } from "../errors.ts";
import type { KeyCache } from "../access/key-cache.ts";
import { KEY_SCOPES, keyScopes, type KeyScope } from "../access/key-scopes.ts";
import { createVirtualKey, isUuid, listVirtualKeys, revokeVirtualKey, type VirtualKeyInfo } from "../access/key-store.ts";
import { parseOr400 } from "../lib/parse-or-400.ts";

export interface KeysRouterDeps {
  prisma: PrismaClient;
  pepper: Buffer;
  cache: KeyCache;
  providers: ReadonlySet<string>;
  /** an app that now has a key keeps its own metrics label */
  pinApp(app: string): void;
  now?: () => number;
}

const createSchema = z.object({
  app: z.string().trim().min(1).max(200),
  provider: z.string().min(1).nullish(),
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
  /** wider scopes than the default inference + models (see docs/access.md) */
  endpoints: z.array(z.enum(KEY_SCOPES)).max(KEY_SCOPES.length * 2).nullish(),
});

export function keyStatus(k: VirtualKeyInfo, now: number): "active" | "revoked" | "expired" {
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
export function parseNewKey(body: unknown, providers: ReadonlySet<string>, now: number): { app: string; provider: string | null; expiresAt: Date | null; endpoints: KeyScope[] } {
  const parsed = parseOr400(createSchema, body ?? {});
  const { app, provider, expiresAt, endpoints } = parsed;
  if (provider && !providers.has(provider)) throw new TollgateError("invalid_request", `provider: unknown provider "${provider}"; known: ${[...providers].join(", ")}`);
  const expiry = expiresAt ? new Date(expiresAt) : null;
  if (expiry && expiry.getTime() <= now) throw new TollgateError("invalid_request", "expiresAt: must be in the future");
  return { app, provider: provider ?? null, expiresAt: expiry, endpoints: keyScopes(endpoints) };
}

/** POST /keys (the secret, once), GET /keys (prefixes), DELETE /keys/:id (revoke). */
export function keysRouter(deps: KeysRouterDeps): Router {
  const now = deps.now ?? Date.now;
  const router = Router();

  router.post("/keys", async (req, res) => {
    const input = parseNewKey(req.body, deps.providers, now());
    const created = await createVirtualKey(deps.prisma, deps.pepper, input);
    deps.cache.add(created.hash, {
      id: created.info.id,
      app: created.info.app,
      provider: created.info.provider,
      expiresAt: created.info.expiresAt?.getTime() ?? null,
      revoked: false,
      endpoints: created.info.endpoints,
    });
    deps.pinApp(created.info.app);
    const { id, app, provider, prefix, endpoints, createdAt, expiresAt } = keyJson(created.info, now());
    res.status(201).json({ id, key: created.key, app, provider, prefix, endpoints, createdAt, expiresAt });
  });

  router.get("/keys", async (_req, res) => {
    const keys = await listVirtualKeys(deps.prisma);
    res.json({ keys: keys.map((k) => keyJson(k, now())) });
  });

  router.delete("/keys/:id", async (req, res) => {
    const id = req.params.id;
    if (!isUuid(id)) throw new TollgateError("not_found", `no virtual key ${id}`);
    const revoked = await revokeVirtualKey(deps.prisma, id);
    if (!revoked) throw new TollgateError("not_found", `no virtual key ${id}`);
    deps.cache.evict(id);
    res.status(204).end();
  });

  return router;
}

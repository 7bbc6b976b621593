import { Router } from "express";
import type { PrismaClient } from "../db/client.ts";
import { TollgateError } from "../lib/errors.ts";
import type { KeyCache } from "../access/key-cache.ts";
import { keyJson, parseNewKey } from "../access/key-json.ts";
import { createVirtualKey, isUuid, listVirtualKeys, revokeVirtualKey } from "../access/key-store.ts";

export interface KeysRouterDeps {
  prisma: PrismaClient;
  pepper: Buffer;
  cache: KeyCache;
  providers: ReadonlySet<string>;
  /** an app that now has a key keeps its own metrics label */
  pinApp(app: string): void;
  now?: () => number;
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

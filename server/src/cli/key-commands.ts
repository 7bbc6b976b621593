import { stringFlag, UsageError, type Command } from "./args.ts";
import { keyJson, parseNewKey } from "../access/key-json.ts";
import { loadPepper } from "../access/key-secrets.ts";
import { createVirtualKey, isUuid, listVirtualKeys, revokeVirtualKey } from "../access/key-store.ts";

/** `keys create|list|revoke`: virtual keys for operators without the dashboard. */
export const KEY_COMMANDS: Record<string, Command> = {
  "keys create": {
    usage: "keys create --app APP [--provider openai] [--expires ISO] [--endpoints files,batches,images,audio]",
    description: "create a virtual key pinned to APP; prints the tg_… secret once",
    async run(ctx) {
      const input = parseNewKey(
        {
          app: stringFlag(ctx.args, "app"),
          provider: stringFlag(ctx.args, "provider") ?? null,
          expiresAt: stringFlag(ctx.args, "expires") ?? null,
          endpoints:
            stringFlag(ctx.args, "endpoints")
              ?.split(",")
              .map((s) => s.trim())
              .filter((s) => s.length > 0) ?? null,
        },
        new Set(ctx.config.providers.keys()),
        Date.now(),
      );
      const db = await ctx.database();
      const pepper = await loadPepper(db.prisma, ctx.config.access.keyPepper);
      const created = await createVirtualKey(db.prisma, pepper, input);
      const { id, app, provider, prefix, endpoints, expiresAt } = keyJson(created.info, Date.now());
      ctx.print(JSON.stringify({ id, key: created.key, app, provider, prefix, endpoints, expiresAt }, null, 2));
    },
  },
  "keys list": {
    usage: "keys list",
    description: "list virtual keys (prefix, app, provider, status; never the secret)",
    async run(ctx) {
      const db = await ctx.database();
      const now = Date.now();
      ctx.print(
        JSON.stringify(
          (await listVirtualKeys(db.prisma)).map((k) => keyJson(k, now)),
          null,
          2,
        ),
      );
    },
  },
  "keys revoke": {
    usage: "keys revoke ID",
    description: "revoke a virtual key (replicas stop accepting it within TOLLGATE_ACCESS_REFRESH_MS)",
    async run(ctx) {
      const id = ctx.args.positionals[0];
      if (!id || !isUuid(id)) throw new UsageError("keys revoke needs the key's id (a UUID, as keys list shows)");
      const db = await ctx.database();
      const revoked = await revokeVirtualKey(db.prisma, id);
      if (!revoked) throw new Error(`no virtual key ${id}`);
      ctx.print(JSON.stringify(keyJson(revoked, Date.now()), null, 2));
    },
  },
};

import type { CliContext, Command } from "../cli.ts";
import { keyJson, parseNewKey } from "../api/keys.ts";
import { loadPepper } from "./key-secrets.ts";
import { createVirtualKey, isUuid, listVirtualKeys, revokeVirtualKey } from "./key-store.ts";

// Only types come from cli.ts: this module is imported by it, so a value import would be circular.

function flag(ctx: CliContext, name: string): string | undefined {
  const v = ctx.args.flags[name];
  if (v === true) throw new Error(`--${name} needs a value`);
  return v;
}

/** `keys create|list|revoke`: virtual keys for operators without the dashboard (entries of cli.ts's table). */
export const KEY_COMMANDS: Record<string, Command> = {
  "keys create": {
    usage: "keys create --app APP [--provider openai] [--expires ISO] [--endpoints files,batches,images,audio]",
    description: "create a virtual key pinned to APP; prints the tg_… secret once",
    async run(ctx) {
      const db = await ctx.database();
      const input = parseNewKey(
        {
          app: flag(ctx, "app"),
          provider: flag(ctx, "provider") ?? null,
          expiresAt: flag(ctx, "expires") ?? null,
          endpoints: flag(ctx, "endpoints")?.split(",").map((s) => s.trim()).filter((s) => s.length > 0) ?? null,
        },
        new Set(ctx.config.providers.keys()),
        Date.now(),
      );
      const pepper = await loadPepper(db.pool, ctx.config.access.keyPepper);
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
      ctx.print(JSON.stringify((await listVirtualKeys(db.prisma)).map((k) => keyJson(k, now)), null, 2));
    },
  },
  "keys revoke": {
    usage: "keys revoke ID",
    description: "revoke a virtual key (replicas stop accepting it within TOLLGATE_ACCESS_REFRESH_MS)",
    async run(ctx) {
      const id = ctx.args.positionals[0];
      if (!id || !isUuid(id)) throw new Error("keys revoke needs the key's id (a UUID, as keys list shows)");
      const db = await ctx.database();
      const revoked = await revokeVirtualKey(db.prisma, id);
      if (!revoked) throw new Error(`no virtual key ${id}`);
      ctx.print(JSON.stringify(keyJson(revoked, Date.now()), null, 2));
    },
  },
};

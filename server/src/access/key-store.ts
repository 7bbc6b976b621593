import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/client.ts";
import type { VirtualKey } from "../generated/prisma/client.ts";
import { generateVirtualKey, hashVirtualKey, keyPrefix } from "./key-secrets.ts";
import { keyScopes, type KeyScope } from "./key-scopes.ts";

/** A virtual key as Tollgate knows it: never the key itself, never its hash outside this module's queries. */
export interface VirtualKeyInfo {
  id: string;
  app: string;
  provider: string | null;
  prefix: string;
  /** the scopes it may reach with the held provider key */
  endpoints: KeyScope[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** What the proxy needs to honour a key; kept in memory, keyed by hash. */
export interface KeyEntry {
  id: string;
  app: string;
  provider: string | null;
  /** epoch ms, or null for no expiry */
  expiresAt: number | null;
  revoked: boolean;
  endpoints: KeyScope[];
}

/** The columns a listing shows: everything but the hash. */
const INFO = {
  id: true,
  app: true,
  provider: true,
  prefix: true,
  endpoints: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
} as const;
/** What the proxy needs, by hash. */
const ENTRY = { id: true, app: true, provider: true, endpoints: true, hash: true, expiresAt: true, revokedAt: true } as const;

type InfoRow = Omit<VirtualKey, "hash">;
type EntryRow = Pick<VirtualKey, "id" | "app" | "provider" | "endpoints" | "hash" | "expiresAt" | "revokedAt">;

function info(row: InfoRow): VirtualKeyInfo {
  return { ...row, endpoints: keyScopes(row.endpoints) };
}

function entry(row: EntryRow): KeyEntry {
  return {
    id: row.id,
    app: row.app,
    provider: row.provider,
    expiresAt: row.expiresAt?.getTime() ?? null,
    revoked: row.revokedAt !== null,
    endpoints: keyScopes(row.endpoints),
  };
}

export interface NewKey {
  app: string;
  provider: string | null;
  expiresAt: Date | null;
  /** wider scopes beyond the defaults */
  endpoints?: readonly string[];
}

/** Creates a key; the returned `key` is the only time the secret exists outside the client's hands. */
export async function createVirtualKey(
  db: PrismaClient,
  pepper: Buffer,
  input: NewKey,
): Promise<{ key: string; info: VirtualKeyInfo; hash: string }> {
  const key = generateVirtualKey();
  const hash = hashVirtualKey(pepper, key);
  const row = await db.virtualKey.create({
    data: {
      id: randomUUID(),
      app: input.app,
      provider: input.provider,
      prefix: keyPrefix(key),
      hash,
      expiresAt: input.expiresAt,
      endpoints: keyScopes(input.endpoints),
    },
    select: INFO,
  });
  return { key, info: info(row), hash };
}

export async function listVirtualKeys(db: PrismaClient): Promise<VirtualKeyInfo[]> {
  const rows = await db.virtualKey.findMany({ select: INFO, orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
  return rows.map(info);
}

export async function getVirtualKey(db: PrismaClient, id: string): Promise<VirtualKeyInfo | null> {
  const row = await db.virtualKey.findUnique({ where: { id }, select: INFO });
  return row ? info(row) : null;
}

/** Revokes a key (idempotent: the first revocation time is kept). Null when no such key. */
export async function revokeVirtualKey(db: PrismaClient, id: string): Promise<VirtualKeyInfo | null> {
  await db.virtualKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  return getVirtualKey(db, id);
}

/** Every key not revoked, by hash: what each replica keeps in memory. */
export async function loadActiveKeys(db: PrismaClient): Promise<Map<string, KeyEntry>> {
  const rows = await db.virtualKey.findMany({ where: { revokedAt: null }, select: ENTRY });
  return new Map(rows.map((r) => [r.hash, entry(r)]));
}

export async function findKeyByHash(db: PrismaClient, hash: string): Promise<KeyEntry | null> {
  const row = await db.virtualKey.findUnique({ where: { hash }, select: ENTRY });
  return row ? entry(row) : null;
}

/** Marks keys used, in one statement per refresh rather than one write per call (never moving a time back). */
export async function touchVirtualKeys(db: PrismaClient, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.$executeRaw`UPDATE virtual_keys SET last_used_at = GREATEST(COALESCE(last_used_at, ${at}), ${at}) WHERE id = ANY(${ids}::uuid[])`;
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

import { randomUUID } from "node:crypto";
import type pg from "pg";
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

interface KeyRow {
  id: string;
  app: string;
  provider: string | null;
  prefix: string;
  endpoints: string[];
  hash: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = `id, app, provider, prefix, endpoints, created_at, expires_at, revoked_at, last_used_at`;

function info(row: Omit<KeyRow, "hash">): VirtualKeyInfo {
  return {
    id: row.id,
    app: row.app,
    provider: row.provider,
    prefix: row.prefix,
    endpoints: keyScopes(row.endpoints),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

function entry(row: Pick<KeyRow, "id" | "app" | "provider" | "endpoints" | "expires_at" | "revoked_at">): KeyEntry {
  return { id: row.id, app: row.app, provider: row.provider, expiresAt: row.expires_at?.getTime() ?? null, revoked: row.revoked_at !== null, endpoints: keyScopes(row.endpoints) };
}

export interface NewKey {
  app: string;
  provider: string | null;
  expiresAt: Date | null;
  /** wider scopes beyond the defaults */
  endpoints?: readonly string[];
}

/** Creates a key; the returned `key` is the only time the secret exists outside the client's hands. */
export async function createVirtualKey(pool: pg.Pool, pepper: Buffer, input: NewKey): Promise<{ key: string; info: VirtualKeyInfo; hash: string }> {
  const key = generateVirtualKey();
  const hash = hashVirtualKey(pepper, key);
  const { rows } = await pool.query<KeyRow>(
    `INSERT INTO virtual_keys (id, app, provider, prefix, hash, expires_at, endpoints) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [randomUUID(), input.app, input.provider, keyPrefix(key), hash, input.expiresAt, keyScopes(input.endpoints)],
  );
  return { key, info: info(rows[0]!), hash };
}

export async function listVirtualKeys(pool: pg.Pool): Promise<VirtualKeyInfo[]> {
  const { rows } = await pool.query<KeyRow>(`SELECT ${COLUMNS} FROM virtual_keys ORDER BY created_at DESC, id`);
  return rows.map(info);
}

export async function getVirtualKey(pool: pg.Pool, id: string): Promise<VirtualKeyInfo | null> {
  const { rows } = await pool.query<KeyRow>(`SELECT ${COLUMNS} FROM virtual_keys WHERE id = $1`, [id]);
  return rows[0] ? info(rows[0]) : null;
}

/** Revokes a key (idempotent: the first revocation time is kept). Null when no such key. */
export async function revokeVirtualKey(pool: pg.Pool, id: string): Promise<VirtualKeyInfo | null> {
  const { rows } = await pool.query<KeyRow>(
    `UPDATE virtual_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`,
    [id],
  );
  return rows[0] ? info(rows[0]) : null;
}

/** Every key not revoked, by hash: what each replica keeps in memory. */
export async function loadActiveKeys(pool: pg.Pool): Promise<Map<string, KeyEntry>> {
  const { rows } = await pool.query<KeyRow>(`SELECT id, app, provider, endpoints, hash, expires_at, revoked_at FROM virtual_keys WHERE revoked_at IS NULL`);
  return new Map(rows.map((r) => [r.hash, entry(r)]));
}

export async function findKeyByHash(pool: pg.Pool, hash: string): Promise<KeyEntry | null> {
  const { rows } = await pool.query<KeyRow>(`SELECT id, app, provider, endpoints, hash, expires_at, revoked_at FROM virtual_keys WHERE hash = $1`, [hash]);
  return rows[0] ? entry(rows[0]) : null;
}

/** Marks keys used, in one statement per refresh rather than one write per call. */
export async function touchVirtualKeys(pool: pg.Pool, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await pool.query(`UPDATE virtual_keys SET last_used_at = GREATEST(COALESCE(last_used_at, $2), $2) WHERE id = ANY($1::uuid[])`, [ids, at]);
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

import type { PrismaClient } from "../db/client.ts";
import { hashVirtualKey } from "./key-secrets.ts";
import { findKeyByHash, loadActiveKeys, touchVirtualKeys, type KeyEntry } from "./key-store.ts";

export interface KeyCacheOptions {
  /** how long an unknown or revoked hash is remembered before the database is asked again */
  negativeTtlMs?: number;
  /** database look-ups for unknown keys allowed per second (a flood of random keys must not flood Postgres) */
  missLookupsPerSecond?: number;
  now?: () => number;
}

const MAX_NEGATIVE = 10_000;

/**
 * Virtual keys by hash, in memory: the proxy answers a known key without touching the database. Loaded at
 * start and on every refresh (which also drops keys revoked on other replicas); a key created on another
 * replica since the last refresh costs one look-up, and unknown hashes are remembered for a short while.
 */
export class KeyCache {
  private byHash = new Map<string, KeyEntry>();
  /** apps with at least one active key: only those keys may claim them */
  private keyApps = new Set<string>();
  private negative = new Map<string, number>();
  private pending = new Map<string, Promise<KeyEntry | null>>();
  private used = new Set<string>();
  private missWindow = 0;
  private missCount = 0;
  private readonly negativeTtlMs: number;
  private readonly missLookupsPerSecond: number;
  private readonly now: () => number;

  constructor(
    private readonly db: PrismaClient,
    private readonly pepper: Buffer,
    options: KeyCacheOptions = {},
  ) {
    this.negativeTtlMs = options.negativeTtlMs ?? 5_000;
    this.missLookupsPerSecond = options.missLookupsPerSecond ?? 50;
    this.now = options.now ?? Date.now;
  }

  /** Reloads every active key and writes the batched last-used times. */
  async refresh(): Promise<void> {
    const used = [...this.used];
    this.used.clear();
    await touchVirtualKeys(this.db, used, new Date(this.now()));
    this.byHash = await loadActiveKeys(this.db);
    this.keyApps = this.apps();
  }

  /** Whether the app has an active virtual key (a request naming it by header alone is then refused). */
  hasApp(app: string): boolean {
    return this.keyApps.has(app);
  }

  /** The key's entry (revoked or expired ones included, for the message), or null when unknown. */
  async lookup(key: string): Promise<KeyEntry | null> {
    const hash = hashVirtualKey(this.pepper, key);
    const known = this.byHash.get(hash);
    if (known) return known;
    const until = this.negative.get(hash);
    if (until !== undefined) {
      if (until > this.now()) return null;
      this.negative.delete(hash);
    }
    let pending = this.pending.get(hash);
    if (!pending) {
      if (!this.allowMiss()) return null;
      pending = this.fetch(hash).finally(() => this.pending.delete(hash));
      this.pending.set(hash, pending);
    }
    return pending;
  }

  private async fetch(hash: string): Promise<KeyEntry | null> {
    const found = await findKeyByHash(this.db, hash);
    if (found && !found.revoked) {
      this.byHash.set(hash, found);
      this.keyApps.add(found.app);
      return found;
    }
    if (this.negative.size >= MAX_NEGATIVE) this.negative.clear();
    this.negative.set(hash, this.now() + this.negativeTtlMs);
    return found;
  }

  private allowMiss(): boolean {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.missWindow) {
      this.missWindow = second;
      this.missCount = 0;
    }
    return ++this.missCount <= this.missLookupsPerSecond;
  }

  /** The apps of the keys held (their metrics labels are pinned, so they never become `other`). */
  apps(): Set<string> {
    const apps = new Set<string>();
    for (const e of this.byHash.values()) apps.add(e.app);
    return apps;
  }

  markUsed(id: string): void {
    this.used.add(id);
  }

  /** Forgets a key at once on this replica (after a revocation here); others drop it on their refresh. */
  evict(id: string): void {
    for (const [hash, e] of this.byHash) if (e.id === id) this.byHash.delete(hash);
    this.keyApps = this.apps();
  }

  /** Knows a key created here at once, so its first call needs no look-up. */
  add(hash: string, entry: KeyEntry): void {
    this.negative.delete(hash);
    this.byHash.set(hash, entry);
    this.keyApps.add(entry.app);
  }

  /** Writes the last-used times still pending (shutdown). */
  async flush(): Promise<void> {
    const used = [...this.used];
    this.used.clear();
    await touchVirtualKeys(this.db, used, new Date(this.now()));
  }
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.ts";

function sha256(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Dashboard sessions, revocable server-side. The cookie is `<id>.<expiry>.<MAC>`: a random id, its expiry
 * (epoch seconds) and an HMAC of both keyed by a key derived from the admin token — so changing the token
 * ends every session on every replica — and the `admin_sessions` table holds the SHA-256 of each live id, so
 * logging out ends that session everywhere at once. Neither the token nor an id is ever stored.
 */
export class AdminSessions {
  private readonly key: Buffer;

  constructor(
    private readonly prisma: PrismaClient,
    token: string,
    private readonly ttlMs: number,
  ) {
    this.key = createHmac("sha256", token).update("tollgate admin session v2").digest();
  }

  private mac(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }

  /** Starts a session; expired rows are cleared on the way. */
  async issue(now: number): Promise<{ value: string; maxAgeSeconds: number }> {
    const id = randomBytes(32).toString("base64url");
    const expiresAt = new Date(now + this.ttlMs);
    const expiry = String(Math.floor(expiresAt.getTime() / 1000));
    await this.prisma.adminSession.deleteMany({ where: { expiresAt: { lt: new Date(now) } } });
    await this.prisma.adminSession.create({ data: { idHash: sha256(id).toString("hex"), expiresAt } });
    return { value: `${id}.${expiry}.${this.mac(`${id}.${expiry}`)}`, maxAgeSeconds: Math.floor(this.ttlMs / 1000) };
  }

  /** The session's id hash when the cookie is authentic and unexpired (not yet checked against the table). */
  private authentic(value: string, now: number): string | null {
    const parts = value.split(".");
    if (parts.length !== 3) return null;
    const [id, expiry, mac] = parts as [string, string, string];
    const ok = timingSafeEqual(sha256(mac), sha256(this.mac(`${id}.${expiry}`)));
    if (!ok || !/^\d+$/.test(expiry) || Number(expiry) * 1000 <= now) return null;
    return sha256(id).toString("hex");
  }

  /** Whether the cookie is a live session: authentic, unexpired, and not logged out. */
  async valid(value: string, now: number): Promise<boolean> {
    const idHash = this.authentic(value, now);
    if (!idHash) return false;
    const row = await this.prisma.adminSession.findUnique({ where: { idHash }, select: { expiresAt: true } });
    return row !== null && row.expiresAt.getTime() > now;
  }

  /** Ends the session the cookie names (logout); unknown or forged cookies change nothing. */
  async revoke(value: string, now: number): Promise<void> {
    const idHash = this.authentic(value, now);
    if (idHash) await this.prisma.adminSession.deleteMany({ where: { idHash } });
  }
}

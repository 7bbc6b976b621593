import { createHmac, randomBytes } from "node:crypto";
import type { PrismaClient } from "../db/client.ts";

/** `tg_` + 32 random bytes in base64url: 256 bits, so a hash of it cannot be brute-forced. */
export const VIRTUAL_KEY_PATTERN = /^tg_[A-Za-z0-9_-]{43}$/;
/** characters of a key kept for listings ("tg_" + 6): enough to tell keys apart, far too few to guess one */
export const PREFIX_LENGTH = 9;

const PEPPER_SETTING = "virtual_key_pepper";

export function generateVirtualKey(): string {
  return `tg_${randomBytes(32).toString("base64url")}`;
}

export function keyPrefix(key: string): string {
  return key.slice(0, PREFIX_LENGTH);
}

/** HMAC-SHA-256 with the install's pepper: a leaked table alone does not let anyone test candidate keys. */
export function hashVirtualKey(pepper: Buffer, key: string): string {
  return createHmac("sha256", pepper).update(key).digest("hex");
}

/**
 * The pepper: TOLLGATE_KEY_PEPPER when set, else one generated on first start and kept in `settings`
 * (replicas sharing the database agree on it; the first writer wins). Changing it invalidates every key.
 */
export async function loadPepper(prisma: PrismaClient, configured: string | undefined): Promise<Buffer> {
  if (configured) return Buffer.from(configured, "utf8");
  // INSERT … ON CONFLICT DO NOTHING: a replica starting at the same moment keeps the pepper stored first
  await prisma.setting.createMany({ data: [{ key: PEPPER_SETTING, value: randomBytes(32).toString("base64url") }], skipDuplicates: true });
  const value = (await prisma.setting.findUnique({ where: { key: PEPPER_SETTING } }))?.value;
  if (!value) throw new Error("the virtual-key pepper could not be stored in the settings table");
  return Buffer.from(value, "utf8");
}

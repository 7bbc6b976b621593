import type { IncomingMessage } from "node:http";

const MAX_TRACKED = 10_000;

/**
 * The client's address for rate limiting. With `trustedHops` 0 (the default) it is the socket's peer:
 * X-Forwarded-For is ignored, since any client can write it. Behind `trustedHops` proxies of the operator's
 * own (TOLLGATE_TRUST_PROXY), the chain is X-Forwarded-For's entries followed by the peer, and the client is
 * the entry `trustedHops` places left of the end: each trusted proxy appended the address it received the
 * request from, so entries further left were written by the client and are not believed. A chain shorter
 * than that (a request that bypassed a proxy) yields its leftmost entry.
 */
export function clientAddress(req: Pick<IncomingMessage, "headers" | "socket">, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  if (trustedHops <= 0) return peer;
  const header = req.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
  const chain = [...forwarded, peer];
  return chain[Math.max(chain.length - 1 - trustedHops, 0)]!;
}

/**
 * Fixed-window attempt counter per client address (see clientAddress: the socket's address unless
 * TOLLGATE_TRUST_PROXY says how many proxies in front of Tollgate to believe).
 */
export class LoginLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Counts an attempt; returns 0 when allowed, else the milliseconds until the window resets. */
  attempt(address: string): number {
    const t = this.now();
    let w = this.windows.get(address);
    if (!w || t - w.start >= this.windowMs) {
      if (!w && this.windows.size >= MAX_TRACKED) this.prune(t);
      w = { start: t, count: 0 };
      this.windows.set(address, w);
    }
    w.count++;
    return w.count > this.limit ? w.start + this.windowMs - t : 0;
  }

  /** The milliseconds until the address may try again without counting an attempt; 0 when it may now. */
  retryAfter(address: string): number {
    const t = this.now();
    const w = this.windows.get(address);
    if (!w || t - w.start >= this.windowMs || w.count < this.limit) return 0;
    return w.start + this.windowMs - t;
  }

  private prune(t: number): void {
    for (const [address, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(address);
    // Still full of live windows: forget them all rather than grow without bound.
    if (this.windows.size >= MAX_TRACKED) this.windows.clear();
  }
}

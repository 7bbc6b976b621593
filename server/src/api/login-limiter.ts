const MAX_TRACKED = 10_000;

/**
 * Fixed-window attempt counter per client address. Keyed by the socket's address, not X-Forwarded-For,
 * which any client can set; behind a load balancer every client shares its address (and its limit).
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

  private prune(t: number): void {
    for (const [address, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(address);
    // Still full of live windows: forget them all rather than grow without bound.
    if (this.windows.size >= MAX_TRACKED) this.windows.clear();
  }
}

/**
 * Masks a secret (the provider key Tollgate holds for a virtual-key client) in what goes back to that client:
 * an upstream that echoes its request's Authorization must not hand the held key to the key's holder.
 * Occurrences are overwritten with as many `*`, so lengths (and content-length) stay as they were.
 */
export class SecretScrubber {
  private readonly secret: Buffer;
  private readonly mask: Buffer;
  /** the end of the last chunk, held back because it could be the start of the secret */
  private carry: Buffer | null = null;

  constructor(secret: string) {
    this.secret = Buffer.from(secret, "utf8");
    this.mask = Buffer.alloc(this.secret.length, "*");
  }

  /**
   * The chunk with the secret masked. A chunk boundary may split the secret, so a tail that could begin it
   * is held back until the next chunk (or end()); other bytes pass at once, so streams are not delayed.
   */
  push(chunk: Buffer): Buffer {
    let data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    let at = data.indexOf(this.secret);
    if (at !== -1) {
      if (data === chunk) data = Buffer.from(chunk); // never change the caller's buffer (metering reads it)
      while (at !== -1) {
        this.mask.copy(data, at);
        at = data.indexOf(this.secret, at + this.secret.length);
      }
    }
    const keep = this.partialTail(data);
    if (keep === 0) return data;
    this.carry = Buffer.from(data.subarray(data.length - keep));
    return data.subarray(0, data.length - keep);
  }

  /** What was held back: at the end of the body it cannot be the secret any more. */
  end(): Buffer | null {
    const rest = this.carry;
    this.carry = null;
    return rest;
  }

  /** The length of the longest proper prefix of the secret that the data ends with. */
  private partialTail(data: Buffer): number {
    const first = this.secret[0];
    for (let k = Math.min(this.secret.length - 1, data.length); k > 0; k--) {
      const from = data.length - k;
      if (data[from] === first && data.compare(this.secret, 0, k, from) === 0) return k;
    }
    return 0;
  }
}

/** Masks the secret in a raw header list's values, in place. */
export function maskHeaderValues(raw: string[], secret: string): void {
  for (let i = 1; i < raw.length; i += 2) {
    const value = raw[i] as string;
    if (value.includes(secret)) raw[i] = value.split(secret).join("*".repeat(secret.length));
  }
}

/**
 * Bounds the distinct values of one label: the first `limit` distinct values are admitted as themselves,
 * every later value maps to `other` (a typo'd or hostile app name must not create a new series).
 * Rejected values are not remembered, so memory stays bounded whatever the traffic. Values known ahead of
 * traffic — pinned (apps with virtual keys or budgets) or reserved (models of the configured providers'
 * price table) — are admitted without using a slot, so junk from unauthenticated clients, which fills the
 * `limit` slots first, can never push them into `other`. The reserved set is bounded by configuration.
 */
export const OTHER = "other";

export interface LabelLimiterOptions {
  /** values admitted without using a slot (e.g. `other`, `none`, apps known from config) */
  always?: Iterable<string>;
  /** longer values are never admitted (they map to `other`); default 128 */
  maxLength?: number;
}

/** Whether a value is known ahead of traffic; must answer from a bounded set (it admits without a slot). */
export type ReservedValues = (value: string) => boolean;

export class LabelLimiter {
  readonly limit: number;
  private readonly maxLength: number;
  /** value → the value itself (the same string instance every time, so callers may key caches on it) */
  private readonly admitted = new Map<string, string>();
  private used = 0;
  private reserved: ReservedValues | null = null;

  constructor(limit: number, options: LabelLimiterOptions = {}) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`label limit must be an integer >= 0, got ${limit}`);
    this.limit = limit;
    this.maxLength = options.maxLength ?? 128;
    this.admitted.set(OTHER, OTHER);
    for (const value of options.always ?? []) this.admitted.set(value, value);
  }

  /** The label value to use for `value`: itself while it fits, else `other`. O(1), no allocation. */
  map(value: string): string {
    const known = this.admitted.get(value);
    if (known !== undefined) return known;
    if (value.length === 0 || value.length > this.maxLength) return OTHER;
    if (this.reserved !== null && this.reserved(value)) {
      this.admitted.set(value, value);
      return value;
    }
    if (this.used >= this.limit) return OTHER;
    this.used++;
    this.admitted.set(value, value);
    return value;
  }

  /** Admits a value ahead of traffic (apps from config or virtual keys) without using a slot. */
  pin(value: string): void {
    if (!this.admitted.has(value)) this.admitted.set(value, value);
  }

  /** Admits, from now on, every value `isReserved` knows without using a slot (replaces the previous test). */
  reserve(isReserved: ReservedValues): void {
    this.reserved = isReserved;
  }

  /** Distinct values admitted through `map` so far (pinned and reserved values not counted). */
  get size(): number {
    return this.used;
  }
}

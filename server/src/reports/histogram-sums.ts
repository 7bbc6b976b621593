import type { Histogram } from "../rollups/latency-histogram.ts";

/**
 * A histogram being summed by a report: counts in a plain array indexed by bucket (buckets are small
 * integers: ≈310 for 10 minutes). A 30-day latency report adds up hundreds of thousands of stored elements;
 * indexing an array is several times cheaper than a Map lookup per element and leaves no garbage behind.
 */
export type HistogramSum = number[];

const TWO_32 = 4_294_967_296;
/** Enough for 2^(319/16) ms ≈ 16 minutes; longer latencies grow the array. */
const INITIAL_BUCKETS = 320;

export function emptySum(): HistogramSum {
  return new Array<number>(INITIAL_BUCKETS).fill(0);
}

export function addBucket(h: HistogramSum, bucket: number, count: number): void {
  while (bucket >= h.length) h.push(0);
  h[bucket] = (h[bucket] as number) + count;
}

/**
 * Adds a stored histogram, given as Postgres's text form of its BIGINT[] ("{4294967299,8589934593}"), to h:
 * each element (repeated buckets included) is bucket * 2^32 + count (exact in a double: buckets stay far
 * below 2^21). Parsed by hand: a generic array parser is several times slower.
 */
export function addEncodedSum(h: HistogramSum, text: string): void {
  let v = 0;
  let digits = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      digits = true;
    } else if (digits) {
      const bucket = Math.floor(v / TWO_32);
      addBucket(h, bucket, v - bucket * TWO_32);
      v = 0;
      digits = false;
    }
  }
}

export function addSum(target: HistogramSum, source: HistogramSum): void {
  while (target.length < source.length) target.push(0);
  for (let b = 0; b < source.length; b++) target[b] = (target[b] as number) + (source[b] as number);
}

/** The non-empty buckets as the sparse Histogram that percentiles() reads. */
export function toHistogram(h: HistogramSum): Histogram {
  const out: Histogram = new Map();
  for (let b = 0; b < h.length; b++) if ((h[b] as number) > 0) out.set(b, h[b] as number);
  return out;
}

/**
 * The rollups' latency histogram, mirrored from the SQL function tollgate_latency_bucket: bucket 0 holds
 * [0, 1) ms and bucket i >= 1 holds [2^((i-1)/16), 2^(i/16)) ms. Histograms are sparse maps
 * bucket → count, merged by adding counts. The rollup tables store them as BIGINT[] of elements
 * bucket * 2^32 + count, where a bucket may repeat until the array is next merged (reports add them up: reports/histogram-sums.ts).
 *
 * Error bound: a percentile is the same interpolation between order statistics as Postgres's
 * percentile_cont, with each order statistic estimated inside the bucket that holds it. The estimate lies
 * in the same bucket as the true value, so it is off by less than the bucket's width: under 4.43%
 * (2^(1/16) − 1) of the value for values of 1 ms and more, under 1 ms below that.
 */
export const BUCKETS_PER_DOUBLING = 16;
export const RELATIVE_ERROR_BOUND = 2 ** (1 / BUCKETS_PER_DOUBLING) - 1;

export type Histogram = Map<number, number>;

export function bucketOf(ms: number): number {
  return ms < 1 ? 0 : 1 + Math.floor((Math.log(ms) * BUCKETS_PER_DOUBLING) / Math.LN2);
}

export function bucketBounds(bucket: number): [number, number] {
  if (bucket <= 0) return [0, 1];
  return [2 ** ((bucket - 1) / BUCKETS_PER_DOUBLING), 2 ** (bucket / BUCKETS_PER_DOUBLING)];
}

export function addToHistogram(h: Histogram, bucket: number, count: number): void {
  h.set(bucket, (h.get(bucket) ?? 0) + count);
}

export function mergeInto(target: Histogram, source: Histogram): void {
  for (const [b, n] of source) addToHistogram(target, b, n);
}

/** Estimates of the given percentiles (0–1), null for an empty histogram; rounded to 0.001 ms. */
export function percentiles(h: Histogram, ps: readonly number[]): Array<number | null> {
  const buckets = [...h.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return ps.map(() => null);
  // The k-th smallest value (0-based), placed evenly inside its bucket.
  const orderStatistic = (k: number): number => {
    let before = 0;
    for (const [b, n] of buckets) {
      if (k < before + n) {
        const [lo, hi] = bucketBounds(b);
        return lo + ((hi - lo) * (k - before + 0.5)) / n;
      }
      before += n;
    }
    return bucketBounds((buckets[buckets.length - 1] as [number, number])[0])[1];
  };
  return ps.map((p) => {
    const position = p * (total - 1);
    const k = Math.floor(position);
    const low = orderStatistic(k);
    const value = k + 1 < total ? low + (orderStatistic(k + 1) - low) * (position - k) : low;
    return Math.round(value * 1000) / 1000;
  });
}

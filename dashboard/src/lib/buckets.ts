// UTC-aligned time buckets, the same ones the reporting API uses ("bucket" is the bucket's start).

export type Interval = "hour" | "day" | "month";
export const INTERVALS: readonly Interval[] = ["hour", "day", "month"];
/** Minute buckets: the Failures chart's, for ranges up to six hours (the API refuses them beyond). */
export type FineInterval = "minute" | "5minute";
export type ChartInterval = Interval | FineInterval;

const MINUTE = 60_000;
const FINE_MS: Record<FineInterval, number> = { minute: MINUTE, "5minute": 5 * MINUTE };
/** The longest range served in minute buckets. */
export const FINE_RANGE_MS = 6 * 3_600_000;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A safety cap: a range that would need more buckets than this is cut off at the cap. */
export const MAX_BUCKETS = 2000;

/** The start of the UTC bucket that contains `ms`. */
export function floorToBucket(ms: number, interval: ChartInterval): number {
  if (interval === "minute" || interval === "5minute") return Math.floor(ms / FINE_MS[interval]) * FINE_MS[interval];
  if (interval === "hour") return Math.floor(ms / HOUR) * HOUR;
  if (interval === "day") return Math.floor(ms / DAY) * DAY;
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** The start of the bucket after the one starting at `start`. */
export function nextBucket(start: number, interval: ChartInterval): number {
  if (interval === "minute" || interval === "5minute") return start + FINE_MS[interval];
  if (interval === "hour") return start + HOUR;
  if (interval === "day") return start + DAY;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Normalises an API bucket string to the canonical ISO form ("…T00:00:00.000Z") used as a key. */
export function bucketKey(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}

/**
 * Every bucket start touched by the half-open range [from, to), in order, as ISO strings — so a chart
 * shows the whole range, including stretches with no calls.
 */
export function bucketRange(from: string, to: string, interval: ChartInterval): string[] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return [];
  const out: string[] = [];
  for (let b = floorToBucket(start, interval); b < end && out.length < MAX_BUCKETS; b = nextBucket(b, interval)) {
    out.push(new Date(b).toISOString());
  }
  return out;
}

/** The interval a range reads best at: hours up to two days, days up to ~three months, then months. */
export function chooseInterval(from: string, to: string): Interval {
  const span = Date.parse(to) - Date.parse(from);
  if (!(span > 0)) return "hour";
  if (span <= 2 * DAY) return "hour";
  if (span <= 92 * DAY) return "day";
  return "month";
}

/**
 * The Failures chart's interval: 1-minute buckets up to an hour, 5-minute ones up to six hours, else as
 * every chart; an interval picked by hand wins.
 */
export function chooseFailuresInterval(from: string, to: string, picked: Interval | null): ChartInterval {
  if (picked) return picked;
  const span = Date.parse(to) - Date.parse(from);
  if (span > 0 && span <= 3_600_000) return "minute";
  if (span > 0 && span <= FINE_RANGE_MS) return "5minute";
  return chooseInterval(from, to);
}

/**
 * The last bucket when its figures are partial: it is not over at `now`, or the range ends inside it. Such a
 * bucket holds less than a whole interval and would read as a drop; charts mark it. Null when it is whole.
 */
export function partialBucket(buckets: readonly string[], interval: ChartInterval, to: string, now: number): string | null {
  const last = buckets.at(-1);
  if (last === undefined) return null;
  const end = nextBucket(Date.parse(last), interval);
  const until = Math.min(Date.parse(to), now);
  return end > until ? last : null;
}

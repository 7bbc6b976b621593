import v8 from "node:v8";

/**
 * Caps how far V8 lets the old generation grow past what survived the last full collection before the next
 * one. Left to itself on a machine with memory to spare, V8 grows it up to 4×; Tollgate's old-generation
 * garbage is steady under load (records waiting for the recorder's next batch outlive young-generation
 * collections), so the heap swung between 35 and 140 MB in use and RSS peaked at 260–300 MB in a c=32 soak.
 * At 30 % the same soak kept 41–57 MB in use and RSS at 165–183 MB with unchanged throughput: full
 * collections of a ~40 MB heap are short and run more often. 0 keeps V8's own heuristics.
 *
 * V8 reads this flag each time it sets the next collection's limit, so setting it after start-up takes effect.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}

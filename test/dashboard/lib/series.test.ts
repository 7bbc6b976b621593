import { describe, expect, it } from "vitest";
import { explodeFields, explodeOutcomes, INDEX, pivotPoints, pivotRatios, pivotSums } from "../../../dashboard/src/lib/series.ts";
import { OTHER } from "../../../dashboard/src/lib/topn.ts";

const buckets = ["2026-11-26T10:00:00.000Z", "2026-11-26T11:00:00.000Z", "2026-11-26T12:00:00.000Z"];
type Row = { bucket: string; group: string; costUsd: string; calls: number; failures: number; p90: number | null };
const rows: Row[] = [
  { bucket: "2026-11-26T10:00:00Z", group: "openai", costUsd: "0.1", calls: 4, failures: 1, p90: 300 },
  { bucket: "2026-11-26T10:00:00Z", group: "anthropic", costUsd: "0.2", calls: 1, failures: 0, p90: 900 },
  { bucket: "2026-11-26T12:00:00.000Z", group: "openai", costUsd: "0.0000001", calls: 2, failures: 2, p90: 120 },
  { bucket: "2026-11-26T12:00:00.000Z", group: "mistral", costUsd: "0.3", calls: 3, failures: 0, p90: 50 },
  { bucket: "2026-11-26T12:00:00.000Z", group: "gemini", costUsd: "0.0000002", calls: 1, failures: 1, p90: 70 },
];
const common = { buckets, bucketOf: (r: Row) => r.bucket, groupOf: (r: Row) => r.group };

describe("pivotSums", () => {
  it("fills every bucket, with 0 for buckets without calls", () => {
    const out = pivotSums(rows, { ...common, categories: ["openai", "anthropic"], valueOf: (r) => r.calls });
    expect(out).toEqual([
      { [INDEX]: buckets[0], openai: 4, anthropic: 1 },
      { [INDEX]: buckets[1], openai: 0, anthropic: 0 },
      { [INDEX]: buckets[2], openai: 2, anthropic: 0 },
    ]);
  });
  it("folds groups beyond the categories into OTHER, summing decimals exactly", () => {
    const out = pivotSums(rows, { ...common, categories: ["openai", OTHER], valueOf: (r) => r.costUsd });
    expect(out[0]).toEqual({ [INDEX]: buckets[0], openai: 0.1, [OTHER]: 0.2 });
    expect(out[2]).toEqual({ [INDEX]: buckets[2], openai: 0.0000001, [OTHER]: 0.3000002 });
  });
  it("drops groups outside the categories when there is no OTHER, and rows outside the range", () => {
    const extra = [...rows, { bucket: "2026-11-27T00:00:00Z", group: "openai", costUsd: "9", calls: 9, failures: 0, p90: 1 }];
    const out = pivotSums(extra, { ...common, categories: ["openai"], valueOf: (r) => r.calls });
    expect(out.map((r) => r.openai)).toEqual([4, 0, 2]);
    expect(out).toHaveLength(3);
  });
});

describe("pivotPoints", () => {
  it("keeps percentiles as they are and leaves gaps (null) where there were no calls", () => {
    const out = pivotPoints(rows, { ...common, categories: ["openai", "anthropic"], valueOf: (r) => r.p90 });
    expect(out).toEqual([
      { [INDEX]: buckets[0], openai: 300, anthropic: 900 },
      { [INDEX]: buckets[1], openai: null, anthropic: null },
      { [INDEX]: buckets[2], openai: 120, anthropic: null },
    ]);
  });
  it("never merges percentiles into OTHER", () => {
    const out = pivotPoints(rows, { ...common, categories: ["openai", OTHER], valueOf: (r) => r.p90 });
    expect(out[2]?.[OTHER]).toBeNull();
  });
});

describe("pivotRatios", () => {
  it("divides summed numerators by summed denominators, null where there were no calls", () => {
    const out = pivotRatios(rows, { ...common, categories: ["openai", OTHER], numerator: (r) => r.failures, denominator: (r) => r.calls });
    expect(out[0]).toEqual({ [INDEX]: buckets[0], openai: 0.25, [OTHER]: 0 });
    expect(out[1]).toEqual({ [INDEX]: buckets[1], openai: null, [OTHER]: null });
    // other in bucket 2: mistral 0/3 + gemini 1/1 → 1/4
    expect(out[2]).toEqual({ [INDEX]: buckets[2], openai: 1, [OTHER]: 0.25 });
  });
});

describe("explodeOutcomes", () => {
  it("turns outcome maps into long rows, filtered", () => {
    const out = explodeOutcomes(
      [
        { bucket: "b1", byOutcome: { ok: 5, timeout: 1, rate_limited: 2 } },
        { bucket: "b2", byOutcome: { ok: 1 } },
      ],
      (o) => o !== "ok",
    );
    expect(out).toEqual([
      { bucket: "b1", outcome: "timeout", count: 1 },
      { bucket: "b1", outcome: "rate_limited", count: 2 },
    ]);
  });
});

describe("explodeFields", () => {
  it("makes one long row per figure, ready for pivotSums", () => {
    const rows = [
      { bucket: "b1", inputTokens: 10, outputTokens: 3 },
      { bucket: "b2", inputTokens: 5, outputTokens: 1 },
    ];
    const long = explodeFields(rows, { input: (r) => r.inputTokens, output: (r) => r.outputTokens });
    expect(long).toEqual([
      { bucket: "b1", kind: "input", value: 10 },
      { bucket: "b1", kind: "output", value: 3 },
      { bucket: "b2", kind: "input", value: 5 },
      { bucket: "b2", kind: "output", value: 1 },
    ]);
  });
});

import { OUTCOMES } from "../domain/call-record.ts";
import type { CallRow } from "../reports/call-rows.ts";
import { trimDecimal } from "../reports/call-rows.ts";
import type { CsvColumn } from "./csv.ts";
import type { FailuresReport } from "../reports/failures.ts";
import type { LatencyReport } from "../reports/latency.ts";
import type { SpendReport } from "../reports/spend.ts";

/** CSV columns of each report's `series` rows and of the call log (docs/api.md, "CSV"). */

type SpendRow = SpendReport["series"][number];
type FailureRow = FailuresReport["series"][number];
type LatencyRow = LatencyReport["series"][number];

const col = <Row>(header: string, kind: CsvColumn<Row>["kind"], value: (row: Row) => unknown): CsvColumn<Row> => ({ header, kind, value });

/** The spend series: the bucket, one column per dimension (named after it), then the figures. */
export function spendColumns(dimensions: readonly string[]): ReadonlyArray<CsvColumn<SpendRow>> {
  return [col("bucket", "time", (r) => r.bucket), ...dimensions.map((d) => col<SpendRow>(d, "text", (r) => r.keys[d])), ...SPEND_FIGURES];
}

/** "tollgate-spend-2026-11-01-2026-12-01.csv": dates when the range is whole UTC days, else times to the minute. */
export function rangeFileName(report: string, range: { from: string; to: string }): string {
  const part = (iso: string) => (iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 16).replace(":", ""));
  return `tollgate-${report}-${part(range.from)}-${part(range.to)}.csv`;
}

const SPEND_FIGURES: ReadonlyArray<CsvColumn<SpendRow>> = [
  col("costUsd", "money", (r) => r.costUsd),
  col("feesUsd", "money", (r) => r.feesUsd),
  col("calls", "number", (r) => r.calls),
  col("unpricedCalls", "number", (r) => r.unpricedCalls),
  col("inputTokens", "number", (r) => r.inputTokens),
  col("cachedInputTokens", "number", (r) => r.cachedInputTokens),
  col("cacheWriteTokens", "number", (r) => r.cacheWriteTokens),
  col("outputTokens", "number", (r) => r.outputTokens),
  col("reasoningTokens", "number", (r) => r.reasoningTokens),
];

export const FAILURE_COLUMNS: ReadonlyArray<CsvColumn<FailureRow>> = [
  col("bucket", "time", (r) => r.bucket),
  col("group", "text", (r) => r.group),
  col("calls", "number", (r) => r.calls),
  col("failures", "number", (r) => r.failures),
  col("errorRate", "number", (r) => r.errorRate),
  ...OUTCOMES.map((o) => col<FailureRow>(o, "number", (r) => r.byOutcome[o] ?? 0)),
];

export const LATENCY_COLUMNS: ReadonlyArray<CsvColumn<LatencyRow>> = [
  col("bucket", "time", (r) => r.bucket),
  col("group", "text", (r) => r.group),
  col("calls", "number", (r) => r.calls),
  col("latencyP50Ms", "number", (r) => r.latencyMs.p50),
  col("latencyP90Ms", "number", (r) => r.latencyMs.p90),
  col("latencyP95Ms", "number", (r) => r.latencyMs.p95),
  col("latencyP99Ms", "number", (r) => r.latencyMs.p99),
  col("ttftP50Ms", "number", (r) => r.ttftMs.p50),
  col("ttftP90Ms", "number", (r) => r.ttftMs.p90),
  col("ttftP95Ms", "number", (r) => r.ttftMs.p95),
  col("ttftP99Ms", "number", (r) => r.ttftMs.p99),
];

const text = (name: keyof CallRow): CsvColumn<CallRow> => col(name, "text", (r) => r[name]);
const num = (name: keyof CallRow): CsvColumn<CallRow> => col(name, "number", (r) => r[name]);

/** Every recorded field of a call except the stored bodies (errorBody included: it is what engineers debug with). */
export const CALL_COLUMNS: ReadonlyArray<CsvColumn<CallRow>> = [
  text("id"),
  col("startedAt", "time", (r) => r.startedAt),
  ...(["provider", "endpoint", "model", "responseModel", "deployment", "app", "user"] as const).map((n) => text(n)),
  col("properties", "json", (r) => r.properties),
  text("keyId"),
  col("stream", "bool", (r) => r.stream),
  num("status"),
  ...(["outcome", "errorType", "errorMessage", "errorBody", "upstreamRequestId", "serviceTier"] as const).map((n) => text(n)),
  ...(
    [
      "inputTokens",
      "cachedInputTokens",
      "cacheWriteTokens",
      "cacheWrite1hTokens",
      "outputTokens",
      "reasoningTokens",
      "audioInputTokens",
      "audioOutputTokens",
    ] as const
  ).map((n) => num(n)),
  text("usageSource"),
  col("costUsd", "money", (r) => trimDecimal(r.costUsd)),
  col("fees", "json", (r) => r.fees),
  text("priceId"),
  col("priced", "bool", (r) => r.priced),
  ...(["latencyMs", "ttftMs", "overheadMs", "requestBytes", "responseBytes"] as const).map((n) => num(n)),
];

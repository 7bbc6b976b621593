/** A provider's report, normalised: what the connectors produce and the store keeps. */

export type ReportProvider = "openai" | "anthropic";
export type BucketWidth = "1d" | "1h";

/** Token usage of one bucket × dimension combination ('' for a dimension the report does not give). */
export interface UsageRow {
  provider: ReportProvider;
  bucketWidth: BucketWidth;
  bucketStart: Date;
  report: string;
  model: string;
  projectId: string;
  apiKeyId: string;
  workspaceId: string;
  serviceTier: string;
  batch: string;
  /** null when the report counts no requests (Anthropic's) */
  requests: bigint | null;
  /** every input token: cached reads and cache writes included, audio too */
  inputTokens: bigint;
  cachedInputTokens: bigint;
  cacheWrite5mTokens: bigint;
  cacheWrite1hTokens: bigint;
  /** every output token, audio included */
  outputTokens: bigint;
  inputAudioTokens: bigint;
  outputAudioTokens: bigint;
  webSearchRequests: bigint;
}

/** One cost line of one UTC day, in US dollars as an exact decimal string. */
export interface CostRow {
  provider: ReportProvider;
  day: Date;
  lineItem: string;
  model: string;
  projectId: string;
  workspaceId: string;
  costType: string;
  tokenType: string;
  serviceTier: string;
  contextWindow: string;
  amountUsd: string;
  currency: string;
}

export interface ProviderReport {
  usage: UsageRow[];
  costs: CostRow[];
}

/** A report's integer field (absent or null → 0); throws on anything that is not a whole number. */
export function tokens(value: unknown): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^\d+$/.test(value)) return BigInt(value);
  throw new Error(`not a token count: ${JSON.stringify(value)}`);
}

/** A report's optional text dimension: '' when absent or null. */
export function dim(value: unknown): string {
  if (value === undefined || value === null) return "";
  return String(value);
}

export const DAY_MS = 86_400_000;

/** The UTC midnight at or before t. */
export function utcDay(t: Date): Date {
  return new Date(Math.floor(t.getTime() / DAY_MS) * DAY_MS);
}
